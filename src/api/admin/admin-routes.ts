// The admin API (/admin/v1): the operator's accounts, keys, routes, credits, senders, templates,
// DND, upstream connectors, SMPP users and content filter patterns, behind the operator token. Errors use the native error body.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { bearerOrQueryToken } from '../http/credentials.ts';
import type { HttpContext } from '../http/http-context.ts';
import { nativeErrorBody } from '../dialects/native-v1/native-errors.ts';
import {
  AccountId, AccountKeyId, AccountSender, AccountTemplate, AddCredits, AddSender, AddTemplate, CreateAccount, CreateKey,
  ConnectorName, DndNumbers, LedgerQuery, PutConnector, PutSmppUser, RouteIdParams, SetStatus, SmppUserParams, SmppUserQuery, UpdateAccount, UpsertRoute,
  WebhookQuery, AccountOtpChannel, PutOtpChannel, PutOtpPolicy,
} from './admin-schemas.ts';
import { renderEndpoint } from '../dialects/native-v1/native-webhook-render.ts';
import { connectorJson, connectorViewJson } from './connector-json.ts';
import { smppUserJson } from './smpp-user-json.ts';
import { adminContentFilterRoutes } from './admin-content-filter-routes.ts';
import { errorReply, noEndpoint } from '../http/error-reply.ts';

/** camelCase domain objects → snake_case JSON, the API's convention. */
export function snake(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snake);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = k === 'ipAllowlist' ? v : snake(v);
  return out;
}

export function adminApi(ctx: HttpContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const api = app.withTypeProvider<TypeBoxTypeProvider>();
    const admin = ctx.admin;
    api.setErrorHandler(errorReply(ctx.classify, nativeErrorBody));
    api.setNotFoundHandler((request, reply) => reply.code(404).send(nativeErrorBody(noEndpoint(request)).body));
    api.addHook('onRequest', async (request) => ctx.auth.authenticateOperator(bearerOrQueryToken(request.headers, request.query)));

    api.get('/connectors', async () => ({ connectors: (await ctx.connectors.list()).map(connectorViewJson) }));
    api.put('/connectors/:name', { schema: { params: ConnectorName, body: PutConnector } }, async (request) => {
      const b = request.body;
      const connector = await ctx.connectors.save({
        name: request.params.name, host: b.host, systemId: b.system_id, password: b.password,
        routes: b.routes.map((r) => ({ routeId: r.route, priority: r.priority ?? 0, weight: r.weight ?? 1 })),
        ...(b.port !== undefined && { port: b.port }), ...(b.tls !== undefined && { tls: b.tls }),
        ...(b.system_type !== undefined && { systemType: b.system_type }), ...(b.bind !== undefined && { bind: b.bind }),
        ...(b.binds !== undefined && { binds: b.binds }), ...(b.window !== undefined && { window: b.window }), ...(b.tps !== undefined && { tps: b.tps }),
        ...(b.source_ton !== undefined && { sourceTon: b.source_ton }), ...(b.source_npi !== undefined && { sourceNpi: b.source_npi }),
        ...(b.dest_ton !== undefined && { destTon: b.dest_ton }), ...(b.dest_npi !== undefined && { destNpi: b.dest_npi }),
        dlt: {
          ...(b.dlt?.pe_id !== undefined && { peId: b.dlt.pe_id }), ...(b.dlt?.pe_id_tag !== undefined && { peIdTag: b.dlt.pe_id_tag }),
          ...(b.dlt?.template_id_tag !== undefined && { templateIdTag: b.dlt.template_id_tag }),
        },
        messageIds: { ...(b.message_ids?.submit !== undefined && { submit: b.message_ids.submit }), ...(b.message_ids?.receipt !== undefined && { receipt: b.message_ids.receipt }) },
        ...(b.concat !== undefined && { concat: b.concat }), ...(b.enabled !== undefined && { enabled: b.enabled }),
      });
      return { connector: connectorJson(connector) };
    });
    api.delete('/connectors/:name', { schema: { params: ConnectorName } }, async (request, reply) => {
      await ctx.connectors.remove(request.params.name);
      return reply.code(204).send();
    });

    // Customers' webhook endpoints, across accounts: `?disabled=true` lists those Dakiya disabled (410, failing for days).
    api.get('/webhooks', { schema: { querystring: WebhookQuery } }, async (request) => {
      const q = request.query;
      const list = await ctx.webhooks.all({ ...(q.account_id !== undefined && { accountId: q.account_id }), ...(q.disabled !== undefined && { disabled: q.disabled === 'true' }) });
      return { webhooks: list.map((e) => ({ ...renderEndpoint(e), account_id: e.accountId })) };
    });

    api.get('/smpp-users', { schema: { querystring: SmppUserQuery } }, async (request) => ({
      smpp_users: (await ctx.smppUsers.list(request.query.account_id)).map(smppUserJson),
    }));
    api.put('/smpp-users/:systemId', { schema: { params: SmppUserParams, body: PutSmppUser } }, async (request) => {
      const b = request.body;
      const user = await ctx.smppUsers.save({
        systemId: request.params.systemId, accountId: b.account_id, password: b.password, ipAllowlist: b.ip_allowlist ?? [],
        ...(b.max_binds !== undefined && { maxBinds: b.max_binds }), ...(b.route !== undefined && { route: b.route }),
        ...(b.enabled !== undefined && { enabled: b.enabled }),
      });
      return { smpp_user: smppUserJson(user) };
    });
    api.delete('/smpp-users/:systemId', { schema: { params: SmppUserParams } }, async (request, reply) => {
      await ctx.smppUsers.remove(request.params.systemId);
      return reply.code(204).send();
    });

    api.get('/accounts/:id/otp-channels', { schema: { params: AccountId } }, async (request) => ({ otp_channels: snake(await ctx.otpAdmin.listChannels(request.params.id)) }));
    api.put('/accounts/:id/otp-channels/:channelId', { schema: { params: AccountOtpChannel, body: PutOtpChannel } }, async (request) => {
      const b = request.body;
      const channel = await ctx.otpAdmin.saveChannel(request.params.id, {
        channelId: request.params.channelId, templateId: b.template_id, sender: b.sender, route: b.route ?? null,
        ...(b.length !== undefined && { length: b.length }), ...(b.expiry_seconds !== undefined && { expirySeconds: b.expiry_seconds }),
        ...(b.max_attempts !== undefined && { maxAttempts: b.max_attempts }),
      });
      return { otp_channel: snake(channel) };
    });
    api.delete('/accounts/:id/otp-channels/:channelId', { schema: { params: AccountOtpChannel } }, async (request, reply) => {
      await ctx.otpAdmin.removeChannel(request.params.id, request.params.channelId);
      return reply.code(204).send();
    });
    api.get('/accounts/:id/otp-policy', { schema: { params: AccountId } }, async (request) => ({ otp_policy: snake(await ctx.otpAdmin.policy(request.params.id)) }));
    api.put('/accounts/:id/otp-policy', { schema: { params: AccountId, body: PutOtpPolicy } }, async (request) => {
      const b = request.body;
      const policy = await ctx.otpAdmin.setPolicy(request.params.id, {
        ...(b.allowed_countries !== undefined && { allowedCountries: b.allowed_countries }), ...(b.daily_budget !== undefined && { dailyBudget: b.daily_budget }),
      });
      return { otp_policy: snake(policy) };
    });

    api.post('/accounts', { schema: { body: CreateAccount } }, async (request, reply) => {
      const b = request.body;
      const { account, apiKey, key } = await admin.createAccount({ name: b.name, ...(b.credits && { credits: b.credits }), rateLimitPerMinute: b.rate_limit_per_minute ?? null });
      return reply.code(201).send({ account: snake(account), account_id: account.id, api_key: apiKey, key: snake(key) });
    });
    api.get('/accounts', async () => ({ accounts: snake(await admin.listAccounts()) }));
    api.get('/accounts/:id', { schema: { params: AccountId } }, async (request) => snake(await admin.getAccount(request.params.id)));
    api.patch('/accounts/:id', { schema: { params: AccountId, body: UpdateAccount } }, async (request) => {
      const b = request.body;
      return snake(await admin.updateAccount(request.params.id, {
        ...(b.name !== undefined && { name: b.name }),
        ...(b.status !== undefined && { status: b.status }),
        ...(b.rate_limit_per_minute !== undefined && { rateLimitPerMinute: b.rate_limit_per_minute }),
      }));
    });

    api.post('/accounts/:id/keys', { schema: { params: AccountId, body: CreateKey } }, async (request, reply) => {
      const b = request.body;
      const { apiKey, key } = await admin.createKey(request.params.id, {
        ...(b.label !== undefined && { label: b.label }), ...(b.mode !== undefined && { mode: b.mode }), ...(b.ip_allowlist && { ipAllowlist: b.ip_allowlist }),
      });
      return reply.code(201).send({ key: snake(key), api_key: apiKey });
    });
    api.get('/accounts/:id/keys', { schema: { params: AccountId } }, async (request) => ({ keys: snake(await admin.listKeys(request.params.id)) }));
    api.post('/accounts/:id/keys/:keyId/rotate', { schema: { params: AccountKeyId } }, async (request, reply) => {
      const { apiKey, key } = await admin.rotateKey(request.params.id, request.params.keyId);
      return reply.code(201).send({ key: snake(key), api_key: apiKey });
    });
    api.delete('/accounts/:id/keys/:keyId', { schema: { params: AccountKeyId } }, async (request, reply) => {
      await admin.revokeKey(request.params.id, request.params.keyId);
      return reply.code(204).send();
    });

    api.get('/routes', async () => ({ routes: snake(await admin.listRoutes()) }));
    api.put('/routes/:id', { schema: { params: RouteIdParams, body: UpsertRoute } }, async (request) => {
      const b = request.body;
      return snake(await admin.upsertRoute({
        id: request.params.id, category: b.category, pricePerSegment: b.price_per_segment, refundOnUndelivered: b.refund_on_undelivered ?? false,
        resendInDoubt: b.resend_in_doubt ?? false, enabled: b.enabled ?? true, description: b.description ?? '',
      }));
    });

    api.post('/accounts/:id/credits', { schema: { params: AccountId, body: AddCredits } }, async (request) => {
      const b = request.body;
      return { route: b.route, balance: await admin.addCredits(request.params.id, b.route, b.amount, b.note ?? '') };
    });
    api.get('/accounts/:id/balances', { schema: { params: AccountId } }, async (request) => ({
      balances: (await admin.balances(request.params.id)).map((b) => ({ route: b.routeId, credits: b.balance })),
    }));
    api.get('/accounts/:id/ledger', { schema: { params: AccountId, querystring: LedgerQuery } }, async (request) => ({
      entries: snake(await admin.listLedger(request.params.id, request.query.limit === undefined ? 100 : Number(request.query.limit))),
    }));

    api.post('/accounts/:id/senders', { schema: { params: AccountId, body: AddSender } }, async (request, reply) =>
      reply.code(201).send(snake(await admin.addSender(request.params.id, request.body.sender, request.body.kind))));
    api.get('/accounts/:id/senders', { schema: { params: AccountId } }, async (request) => ({ senders: snake(await admin.listSenders(request.params.id)) }));
    api.patch('/accounts/:id/senders/:sender', { schema: { params: AccountSender, body: SetStatus } }, async (request, reply) => {
      await admin.setSenderStatus(request.params.id, request.params.sender, request.body.status);
      return reply.code(204).send();
    });

    api.post('/accounts/:id/templates', { schema: { params: AccountId, body: AddTemplate } }, async (request, reply) => {
      const b = request.body;
      return reply.code(201).send(snake(await admin.addTemplate(request.params.id, { templateId: b.template_id, sender: b.sender, category: b.category, text: b.text, ...(b.entity_id !== undefined && { entityId: b.entity_id }) })));
    });
    api.get('/accounts/:id/templates', { schema: { params: AccountId } }, async (request) => ({ templates: snake(await admin.listTemplates(request.params.id)) }));
    api.patch('/accounts/:id/templates/:templateId', { schema: { params: AccountTemplate, body: SetStatus } }, async (request, reply) => {
      await admin.setTemplateStatus(request.params.id, request.params.templateId, request.body.status);
      return reply.code(204).send();
    });

    api.post('/dnd', { schema: { body: DndNumbers } }, async (request) => admin.addDnd(request.body.numbers));
    api.post('/dnd/remove', { schema: { body: DndNumbers } }, async (request) => admin.removeDnd(request.body.numbers));

    adminContentFilterRoutes(app, ctx);
  };
}
