// Builds the Fastify server: health, readiness and metrics endpoints, the native /v1 dialect and
// the admin API, with authentication, per-key rate limits and one error classification.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import { DakiyaError } from '../../domain/errors.ts';
import { adminApi } from '../admin/admin-routes.ts';
import { nativeErrorBody } from '../dialects/native-v1/native-errors.ts';
import { nativeV1 } from '../dialects/native-v1/native-routes.ts';
import { smsHandover } from '../dialects/sms-handover/handover-routes.ts';
import { jsonApi } from '../dialects/json-api/json-api-routes.ts';
import { techtoHttp } from '../dialects/techto-http/techto-routes.ts';
import { admitThrough, ConcurrencyGate } from './concurrency-gate.ts';
import { bearerOrQueryToken } from './credentials.ts';
import type { HttpContext } from './http-context.ts';
import { toDakiyaError } from './http-errors.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { errorReply, noEndpoint } from './error-reply.ts';

export interface HttpServerDeps extends Omit<HttpContext, 'authenticate' | 'classify' | 'admitBulk'> {
  /** Called for each customer API request, before anything else (workers/ingress-pressure.ts counts them). */
  onCustomerRequest?: (() => void) | undefined;
  logger: Logger;
  clock: Clock;
  /** Readiness: false while starting or draining, or while the database does not answer. */
  ready: () => boolean;
  /** Why the node is not ready, when it is something a client should hear (the database is unreachable). */
  notReadyReason?: () => string | undefined;
  limiter: RateLimiter;
  /** false on a worker-only node: health, readiness and metrics, but no customer or admin API. */
  api: boolean;
}

/** Seconds a client is told to wait when the gateway is not ready. */
const notReadyRetryAfterSeconds = 5;

export async function buildHttpServer(deps: HttpServerDeps): Promise<FastifyInstance> {
  const { config, metrics } = deps;
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // A log line per request would cost about as much as the request itself; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request either (pino builds one, redaction included, for every request): the
    // few places that log a request's failure name its id themselves.
    childLoggerFactory: (logger) => logger,
    bodyLimit: config.server.bodyLimitBytes,
    trustProxy: config.server.trustProxy,
    return503OnClosing: true,
    keepAliveTimeout: 65_000,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    // The router answers bad URL encoding and path parameters over 100 characters by itself, in
    // Fastify's own body; this sends them through the one classification and error body instead.
    frameworkErrors: (error, request, reply: FastifyReply) => {
      const { statusCode, body } = nativeErrorBody(ctx.classify(error, request));
      return reply.code(statusCode).send(body);
    },
  });

  // Every body is JSON: without this, Fastify's built-in text/plain parser turns a wrong
  // Content-Type into a schema error (400) instead of ERR_UNSUPPORTED_MEDIA_TYPE (415).
  app.removeContentTypeParser('text/plain');

  const { limiter } = deps;
  const bulkGate = new ConcurrencyGate(config.bulk.maxConcurrent);
  const ctx: HttpContext = {
    ...deps,
    admitBulk: (isLarge) => admitThrough(bulkGate, isLarge),
    async authenticate(request, reply) {
      deps.onCustomerRequest?.();
      if (!deps.ready()) throw new DakiyaError('ERR_SERVICE_UNAVAILABLE', deps.notReadyReason?.(), { retry_after: notReadyRetryAfterSeconds });
      const principal = await deps.auth.authenticate(bearerOrQueryToken(request.headers, request.query), request.ip);
      request.principal = principal;
      const limit = principal.account.rateLimitPerMinute ?? config.rateLimit.requestsPerMinute;
      const decision = await limiter.check(principal.key.id, limit);
      reply.header('ratelimit-limit', decision.limit).header('ratelimit-remaining', decision.remaining).header('ratelimit-reset', decision.resetSeconds);
      if (!decision.allowed) {
        throw new DakiyaError('ERR_RATE_LIMIT_EXCEEDED', `Rate limit of ${limit} requests per minute exceeded; retry after ${decision.resetSeconds} s.`, { retry_after: decision.resetSeconds });
      }
    },
    classify(error, request: FastifyRequest) {
      const e = toDakiyaError(error);
      if (e.code === 'ERR_INTERNAL') request.log.error({ err: error, reqId: request.id }, 'request failed');
      metrics.rejected.inc({ error_code: e.code });
      return e;
    },
  };

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ route, status: reply.statusCode });
    metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
    done();
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (deps.ready()) return { status: 'ready' };
    const reason = deps.notReadyReason?.();
    return reply.code(503).header('retry-after', String(notReadyRetryAfterSeconds)).send({ status: 'not_ready', ...(reason && { reason }) });
  });
  if (config.metrics.enabled) {
    app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  }

  if (deps.api) {
    await app.register(nativeV1(ctx), { prefix: '/v1' });
    await app.register(smsHandover(ctx));
    await app.register(jsonApi(ctx), { prefix: '/json-api' });
    await app.register(techtoHttp(ctx), { prefix: '/http-api' });
    await app.register(adminApi(ctx), { prefix: '/admin/v1' });
  }
  // Outside /v1 and /admin/v1 too, errors wear the native body (with error_message) the docs promise.
  app.setNotFoundHandler((request, reply) => reply.code(404).send(nativeErrorBody(noEndpoint(request)).body));
  app.setErrorHandler(errorReply(ctx.classify, nativeErrorBody));
  return app;
}
