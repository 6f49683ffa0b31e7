// Standard Webhooks (https://www.standardwebhooks.com, spec v1.0.0) signing and verification: a
// standalone library with no dependencies beyond node:crypto. This file is its public surface.
export { StandardWebhooksError, standardWebhooksErrors, type StandardWebhooksErrorCode } from './standard-webhooks-errors.ts';
export {
  type WebhookSecret, type GenerateSecretOptions, WEBHOOK_SECRET_PREFIX, MIN_SECRET_BYTES, MAX_SECRET_BYTES,
  generateWebhookSecret, parseWebhookSecret,
} from './webhook-secret.ts';
export {
  type SignWebhookInput, type WebhookHeaders, type VerifyWebhookOptions, type VerifiedWebhook, DEFAULT_TOLERANCE_SECONDS,
  signWebhook, verifyWebhook, simpleSignature, verifySimpleSignature,
} from './webhook-signature.ts';
