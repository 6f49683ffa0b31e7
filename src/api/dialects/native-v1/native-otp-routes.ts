// The native OTP endpoints: send (also under seed 001's name generate-and-send), verify, resend and
// status. Registered inside the native dialect, so its authentication and error format apply.
// No answer ever carries the code, except a test-mode send's.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { DakiyaError } from '../../../domain/errors.ts';
import type { OtpSession } from '../../../domain/otp.ts';
import type { Caller } from '../../../services/send-service.ts';
import type { HttpContext } from '../../http/http-context.ts';
import { caller } from '../../http/request-caller.ts';
import { IdParams } from './native-schemas.ts';
import { OtpResendBody, OtpSendBody, OtpVerifyBody } from './native-otp-schemas.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function nativeOtpRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { otp } = ctx;

  const send = async (request: FastifyRequest<{ Body: Static<typeof OtpSendBody> }>, reply: FastifyReply) => {
    const b = request.body;
    if (b.expiry !== undefined && b.expiry_seconds !== undefined && b.expiry !== b.expiry_seconds) {
      throw new DakiyaError('ERR_INVALID_REQUEST', 'give expiry or expiry_seconds, not two different values', { field: 'expiry' });
    }
    const expirySeconds = b.expiry ?? b.expiry_seconds;
    const result = await otp.send(caller(request), {
      mobile: b.mobile,
      ...(b.channel_id !== undefined && { channelId: b.channel_id }),
      ...(b.template_id !== undefined && { templateId: b.template_id }),
      ...(b.sender !== undefined && { sender: b.sender }),
      ...(b.message !== undefined && { message: b.message }),
      ...(b.variables !== undefined && { variables: b.variables }),
      ...(b.route !== undefined && { route: b.route }),
      ...(b.length !== undefined && { length: b.length }),
      ...(expirySeconds !== undefined && { expirySeconds }),
      ...(b.max_attempts !== undefined && { maxAttempts: b.max_attempts }),
      ...(b.channels !== undefined && { channels: b.channels }),
      ...(b.purpose !== undefined && { purpose: b.purpose }),
      ...(b.correlation_id !== undefined && { correlationId: b.correlation_id }),
      ...(b.test_mode !== undefined && { testMode: b.test_mode }),
    });
    const s = result.session;
    return reply.code(s.test ? 200 : 202).send({
      status: 'ok', ...renderSession(s), message_id: result.messageId,
      ...(s.test && { test_mode: true, otp: result.code }),
    });
  };
  api.post('/otp/send', { schema: { body: OtpSendBody } }, send);
  api.post('/otp/generate-and-send', { schema: { body: OtpSendBody } }, send);

  api.post('/otp/verify', { schema: { body: OtpVerifyBody } }, async (request) => {
    const b = request.body;
    const outcome = await otp.verify(caller(request), { sessionId: b.session_id, otp: b.otp, ...(b.mobile !== undefined && { mobile: b.mobile }) });
    ctx.metrics.otpChecks.inc({ result: outcome.result });
    const s = outcome.session;
    return {
      status: 'ok', session_id: s.id, verified: outcome.result === 'verified', result: outcome.result, otp_status: s.status,
      attempts_remaining: Math.max(0, s.maxAttempts - s.attempts), locked_until: iso(s.lockedUntil), expires_at: iso(s.expiresAt),
    };
  });

  api.post('/otp/resend', { schema: { body: OtpResendBody } }, async (request, reply) => {
    const b = request.body;
    const result = await otp.resend(caller(request), b.session_id, b.channel ?? undefined);
    const s = result.session;
    return reply.code(s.test ? 200 : 202).send({
      status: 'ok', ...renderSession(s), message_id: result.messageId,
      ...(s.test && { test_mode: true, otp: result.code }),
    });
  });

  api.get('/otp/:id', { schema: { params: IdParams } }, async (request) => ({ status: 'ok', ...renderSession(await otp.session(caller(request), request.params.id)) }));
}

/** A session as customers see it: its state and limits, never the code or its hash. */
function renderSession(s: OtpSession): Record<string, unknown> {
  return {
    session_id: s.id, mobile: s.mobile, otp_status: s.status, channel_used: s.channelUsed, channels: s.channels, channel_id: s.channelId,
    template_id: s.templateId, sender: s.sender, length: s.length, purpose: s.purpose,
    attempts: s.attempts, max_attempts: s.maxAttempts, attempts_remaining: Math.max(0, s.maxAttempts - s.attempts),
    sends: s.sends, max_sends: s.maxSends, expires_at: iso(s.expiresAt), locked_until: iso(s.lockedUntil),
    verified_at: iso(s.verifiedAt), created_at: iso(s.createdAt),
  };
}

