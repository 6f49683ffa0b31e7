// What every HTTP face shares: the services, config, metrics, and the authentication and error
// classification hooks, built once by the server and handed to each dialect plugin.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config-schema.ts';
import type { Clock } from '../../domain/clock.ts';
import type { DakiyaError } from '../../domain/errors.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { AdminService } from '../../services/admin-service.ts';
import type { AuthService, Principal } from '../../services/auth-service.ts';
import type { ConnectorService } from '../../services/connector-service.ts';
import type { ContentFilterAdminService } from '../../services/content-filter-admin-service.ts';
import type { OtpAdminService } from '../../services/otp-admin-service.ts';
import type { OtpService } from '../../services/otp-service.ts';
import type { ReportService } from '../../services/report-service.ts';
import type { SendService } from '../../services/send-service.ts';
import type { WebhookService } from '../../services/webhook-service.ts';
import type { SmppUserService } from '../../services/smpp-user-service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface HttpContext {
  config: Readonly<Config>;
  /** The services' clock (times a dialect judges, e.g. whether a schedule is in the past, must agree with theirs). */
  clock: Clock;
  send: SendService;
  reports: ReportService;
  admin: AdminService;
  connectors: ConnectorService;
  smppUsers: SmppUserService;
  webhooks: WebhookService;
  otp: OtpService;
  otpAdmin: OtpAdminService;
  contentFilterAdmin: ContentFilterAdminService;
  auth: AuthService;
  metrics: Metrics;
  /**
   * An onRequest hook admitting large requests (all, or those `isLarge` picks) through the server's
   * one bulk gate: at most bulk.maxConcurrent of them, from every dialect together, are read at once.
   */
  admitBulk: (isLarge?: (request: FastifyRequest) => boolean) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** onRequest hook: API key → principal, then the key's rate limit. */
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Any thrown value → a catalogue error; unexpected ones are logged with the request id. */
  classify: (error: unknown, request: FastifyRequest) => DakiyaError;
}
