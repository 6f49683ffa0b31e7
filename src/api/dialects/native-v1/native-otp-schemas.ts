// Request schemas of the native OTP endpoints (seed 001 §9: generate-and-send, verify, resend).
import { Type } from 'typebox';

export const OtpSendBody = Type.Object({
  mobile: Type.String({ minLength: 1, maxLength: 40 }),
  channel_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  template_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  sender: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  message: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  variables: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 20 })),
  route: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  length: Type.Optional(Type.Integer()),
  expiry: Type.Optional(Type.Integer()),
  /** Seed 001's name for expiry. */
  expiry_seconds: Type.Optional(Type.Integer()),
  max_attempts: Type.Optional(Type.Integer()),
  channels: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { maxItems: 4 })),
  purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  /** Accepted for seed 001's clients; the template decides the language. */
  language: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  correlation_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  test_mode: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const OtpVerifyBody = Type.Object({
  session_id: Type.String({ minLength: 1, maxLength: 100 }),
  otp: Type.String({ minLength: 1, maxLength: 20 }),
  mobile: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
}, { additionalProperties: false });

export const OtpResendBody = Type.Object({
  session_id: Type.String({ minLength: 1, maxLength: 100 }),
  channel: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 20 }), Type.Null()])),
}, { additionalProperties: false });
