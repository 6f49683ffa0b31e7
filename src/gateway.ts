// The composition root: config → store → channels → services → HTTP API + workers. Only this file
// (and the CLI's store opener) names concrete implementations.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildHttpServer } from './api/http/http-server.ts';
import { SmppServer } from './api/smpp-server/smpp-server.ts';
import { LocalRateLimiter, type RateLimiter, SharedRateLimiter } from './api/http/rate-limiter.ts';
import type { Channel } from './channels/channel.ts';
import { SandboxChannel } from './channels/sandbox/sandbox-channel.ts';
import { SmppChannel } from './channels/smpp/smpp-channel.ts';
import type { Config } from './config/config-schema.ts';
import { type Clock, systemClock } from './domain/clock.ts';
import { type IdGenerator, uuidv7Generator } from './domain/ids.ts';
import { isFinalStatus, lanes } from './domain/message.ts';
import { defaultRoutes } from './domain/route.ts';
import { createLogger } from './observability/logger.ts';
import { Metrics } from './observability/metrics.ts';
import { AdminService } from './services/admin-service.ts';
import { AuthService } from './services/auth-service.ts';
import { ConnectorService } from './services/connector-service.ts';
import { ReportService } from './services/report-service.ts';
import { SecretBox } from './services/secret-box.ts';
import { OtpAdminService } from './services/otp-admin-service.ts';
import { OtpService } from './services/otp-service.ts';
import { otpHashKey } from './domain/otp.ts';
import { createUrlGuard, type Resolve, type UrlGuard } from './services/url-guard.ts';
import { WebhookSender } from './channels/webhooks/webhook-sender.ts';
import { WebhookService } from './services/webhook-service.ts';
import { WebhookDeliveryWorker } from './workers/webhook-delivery-worker.ts';
import { WebhookFanOutWorker } from './workers/webhook-fanout-worker.ts';
import { SecretHasher } from './services/secret-hasher.ts';
import { ContentFilter } from './services/content-filter.ts';
import { ContentFilterAdminService } from './services/content-filter-admin-service.ts';
import { SendService } from './services/send-service.ts';
import { SendingProfileCache } from './services/sending-profile-cache.ts';
import { SmppUserService } from './services/smpp-user-service.ts';
import type { SendPolicy } from './services/send-policy.ts';
import { PostgresStore } from './store/postgres/postgres-store.ts';
import { SqliteStore } from './store/sqlite/sqlite-store.ts';
import { type Store, StoreUnavailableError, type Transition } from './store/store.ts';
import { DispatchWorker } from './workers/dispatch-worker.ts';
import { HousekeepingWorker } from './workers/housekeeping-worker.ts';
import { IngressPressure } from './workers/ingress-pressure.ts';
import { BatchExpander } from './workers/batch-expander.ts';
import { LeaseKeeper } from './workers/lease-keeper.ts';
import { ReceiptWorker } from './workers/receipt-worker.ts';

export interface Core {
  config: Readonly<Config>;
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  hasher: SecretHasher;
  profiles: SendingProfileCache;
  auth: AuthService;
  admin: AdminService;
  connectors: ConnectorService;
  smppUsers: SmppUserService;
  webhooks: WebhookService;
  /** The SSRF guard for customer-supplied URLs (webhooks.allowPrivateNetworks). */
  urlGuard: UrlGuard;
  /** Seals what must be read back (connector passwords, webhook secrets, OTP codes, a message's secret text) under the pepper. */
  box: SecretBox;
  /** The key OTP codes are hashed with (derived from the pepper). */
  otpHashKey: Buffer;
  otpAdmin: OtpAdminService;
  /** This process's content filter: the config file's patterns, and the store's once refreshed. */
  contentFilter: ContentFilter;
  contentFilterAdmin: ContentFilterAdminService;
}

/** Opens the data dir and store and builds the services the CLI and the server share. */
export async function openCore(config: Readonly<Config>, clock: Clock = systemClock, options: { resolve?: Resolve } = {}): Promise<Core> {
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const store = await openStore(config, dataDir);
  const ids = uuidv7Generator(clock);
  const pepperPath = resolve(dataDir, config.security.pepperFile);
  const pepper = readOrCreatePepper(pepperPath);
  const hasher = new SecretHasher(pepper);
  // Every node must hash keys with the same pepper, or a key would work on some nodes and not on
  // others. The database keeps a keyed fingerprint of the first one (it reveals nothing of it).
  const fingerprint = hasher.hash('dakiya:pepper-fingerprint');
  if ((await store.ensureSetting('pepper_fingerprint', fingerprint)) !== fingerprint) {
    await store.close();
    throw new Error(`the pepper file ${pepperPath} is not the one this database was set up with, so no API key or operator token would verify: give every node the same pepper file (security.pepperFile / DAKIYA_SECURITY_PEPPER_FILE)`);
  }
  const profiles = new SendingProfileCache(store, clock);
  const auth = new AuthService({ store, hasher, clock });
  const admin = new AdminService({ store, hasher, clock, ids, profiles, auth });
  if ((await store.listRoutes()).length === 0) for (const route of defaultRoutes) await store.upsertRoute(route);
  const box = new SecretBox(pepper);
  const connectors = new ConnectorService({ store, box, clock });
  const urlGuard = createUrlGuard({ allowPrivateNetworks: config.webhooks.allowPrivateNetworks, ...(options.resolve && { resolve: options.resolve }) });
  const webhooks = new WebhookService({ store, box, guard: urlGuard, clock, ids, secretOverlapMs: config.webhooks.secretOverlapHours * 3_600_000 });
  const smppUsers = new SmppUserService({
    store, hasher, clock, defaults: { maxBinds: config.smpp.defaultMaxBinds, route: config.smpp.defaultRoute }, lockout: config.smpp.lockout,
  });
  const otpAdmin = new OtpAdminService({ store, clock, defaults: config.otp });
  const contentFilter = new ContentFilter(config.contentFilter);
  const contentFilterAdmin = new ContentFilterAdminService({ store, clock, ids, filter: contentFilter });
  return {
    config, store, clock, ids, hasher, profiles, auth, admin, connectors, smppUsers, webhooks, urlGuard, box, otpHashKey: otpHashKey(pepper), otpAdmin,
    contentFilter, contentFilterAdmin,
  };
}

/** PostgreSQL when a store URL is configured, else SQLite in the data dir. Migrates either to the latest schema. */
export async function openStore(config: Readonly<Config>, dataDir = resolve(config.dataDir)): Promise<Store> {
  const { url, postgres, sqlite, groupCommit } = config.store;
  if (url) {
    return PostgresStore.open({
      url, poolSize: postgres.poolSize, connectTimeoutMs: postgres.connectTimeoutMs,
      groupCommit: { maxBatch: groupCommit.maxBatch, maxInFlight: postgres.commitsInFlight },
      analyzeFreshTablesFrom: postgres.analyzeFreshTablesFrom,
    });
  }
  mkdirSync(dataDir, { recursive: true });
  return SqliteStore.open({ filename: resolve(dataDir, sqlite.filename), synchronous: sqlite.synchronous, groupCommit, deferFrom: sqlite.deferBatchesFrom });
}

/** The pepper lives beside the database, not in it: a copied database alone cannot verify keys. */
function readOrCreatePepper(path: string): Buffer {
  if (!existsSync(path)) {
    writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(path, 0o600);
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
}

/** The send rules of the config, as the send service takes them. */
export function sendPolicy(config: Readonly<Config>): SendPolicy {
  return {
    maxSegments: config.messages.maxSegments,
    maxVariableLength: config.dlt.maxVariableLength,
    defaultValiditySeconds: config.messages.defaultValiditySeconds,
    maxScheduleDays: config.messages.maxScheduleDays,
    dltEnforce: config.dlt.enforce,
    promotionalWindow: config.promotionalWindow,
    maxRecipients: config.bulk.maxRecipients,
  };
}

export interface FirstStart {
  operatorToken: string;
  demo?: { accountId: string; apiKey: string; sender: string; templateId: string; message: string };
}

export const demo = {
  sender: 'DAKIYA', templateId: 'DAKIYA-DEMO-1', text: 'Your Dakiya demo code is {#num#}. - DAKIYA', message: 'Your Dakiya demo code is 482913. - DAKIYA',
  /** An OTP template and the OTP channel (seed 002 channel_id) that uses it. */
  otpTemplateId: 'DAKIYA-OTP-1', otpText: '{#num#} is your Dakiya verification code. Do not share it with anyone. - DAKIYA', otpChannelId: '1',
} as const;

/** On an empty database: an operator token and (unless disabled) a demo account ready to send. */
export async function firstStart(core: Core): Promise<FirstStart | undefined> {
  if ((await core.store.countOperatorTokens()) > 0) return undefined;
  // Several nodes may start at once on one empty database: one of them sets it up. The lease is
  // given back when done, and lapses soon if this process dies first, so a restart is not locked out.
  const holder = core.ids();
  const grant = await core.store.acquireLease('first-start', holder, 15_000);
  if (!grant) return undefined;
  try {
    if ((await core.store.countOperatorTokens()) > 0) return undefined;
    const operatorToken = await core.admin.createOperatorToken(core.config.security.adminToken);
    if (!core.config.firstStart.demo) return { operatorToken };
    const credits = Object.fromEntries((await core.store.listRoutes()).map((r) => [r.id, 10_000]));
    const { account, apiKey } = await core.admin.createAccount({ name: 'Demo account', credits });
    await core.admin.addSender(account.id, demo.sender);
    await core.admin.addTemplate(account.id, { templateId: demo.templateId, sender: demo.sender, category: 'transactional', text: demo.text });
    await core.admin.addTemplate(account.id, { templateId: demo.otpTemplateId, sender: demo.sender, category: 'otp', text: demo.otpText });
    await core.otpAdmin.saveChannel(account.id, { channelId: demo.otpChannelId, templateId: demo.otpTemplateId, sender: demo.sender });
    return { operatorToken, demo: { accountId: account.id, apiKey, sender: demo.sender, templateId: demo.templateId, message: demo.message } };
  } finally {
    await core.store.releaseLease('first-start', holder, grant.token);
  }
}

export interface Gateway {
  core: Core;
  housekeeping: HousekeepingWorker;
  otp: OtpService;
  http: FastifyInstance;
  logger: Logger;
  metrics: Metrics;
  url: string;
  /** The default channel: routes without SMPP connectors travel through it. */
  channel: Channel;
  smpp: SmppChannel;
  /** The SMPP server for customers, when this node serves the API and smpp.enabled. */
  smppServer: SmppServer | undefined;
  /** This node's name in leases. */
  nodeId: string;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  clock?: Clock;
  logger?: Logger;
  channel?: Channel;
  /** false: build everything but do not open the HTTP port (tests use http.inject); the SMPP server follows smpp.enabled. */
  listen?: boolean;
  /** How customer URLs' host names resolve (tests inject answers that change); the system resolver otherwise. */
  resolve?: Resolve;
}

export async function startGateway(config: Readonly<Config>, options: GatewayOptions = {}): Promise<Gateway> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.log.level, redact: config.log.redact });
  const core = await openCore(config, clock, options.resolve ? { resolve: options.resolve } : {});
  const metrics = new Metrics(() => core.store.countWaiting());
  const { store } = core;
  const role = config.node.role;
  const works = role !== 'api';
  const nodeId = config.node.id ?? (store.driver === 'sqlite' ? 'local' : `${hostname().replace(/[^A-Za-z0-9._-]/g, '-')}-${randomBytes(4).toString('hex')}`);
  const leaseOptions = { ttlMs: config.node.leaseTtlMs, renewMs: config.node.leaseRenewMs };
  let ready = false;
  let stopping: Promise<void> | undefined;
  // The database's health, as /readyz and the API see it: checked every second, so a request
  // while it is down is answered 503 at once instead of after a connection timeout.
  let storeUp = true;
  const health = setInterval(() => {
    store.ping().then(() => { storeUp = true; }, () => { storeUp = false; });
  }, 1000);
  health.unref();

  // An unreachable database fails every worker's every turn: say so once per worker every 10 s.
  const outageLogged = new Map<string, number>();
  const onError = (worker: string) => (error: unknown) => {
    metrics.workerErrors.inc({ worker });
    if (error instanceof StoreUnavailableError) {
      const now = Date.now();
      if (now - (outageLogged.get(worker) ?? 0) < 10_000) return;
      outageLogged.set(worker, now);
      logger.warn({ worker, reason: error.message }, 'database unreachable; retrying');
      return;
    }
    logger.error({ err: error, worker }, 'worker error');
  };

  // Every state change feeds the metrics; final ones may owe SMPP customers a receipt, so bound
  // receivers on this node look at once (other nodes' receivers find them at their next poll).
  let smppServer: SmppServer | undefined;
  const onTransitions = (t: readonly Transition[]) => {
    metrics.recordTransitions(t);
    if (smppServer && t.some((x) => isFinalStatus(x.to))) smppServer.wake();
    // Every transition wrote an event: the fan-out reads it now rather than at its next poll.
    if (t.length > 0) fanOut?.wake();
  };

  // Webhooks: the fan-out turns events into deliveries, the delivery worker sends them. Both run
  // on every working node; the store makes one node at a time fan out, and claims each delivery once.
  const webhooksOn = works && config.webhooks.enabled;
  const transport = webhooksOn ? new WebhookSender({
    guard: core.urlGuard, timeoutMs: config.webhooks.timeoutMs, maxResponseBytes: config.webhooks.maxResponseBytes,
    connectionsPerOrigin: config.webhooks.perEndpointConcurrency,
  }) : undefined;
  const deliveries = transport && new WebhookDeliveryWorker({
    store, clock, transport, keys: (id, accountId) => core.webhooks.signingKeys(id, accountId),
    options: {
      concurrency: config.webhooks.concurrency, perEndpointConcurrency: config.webhooks.perEndpointConcurrency, pollMs: config.webhooks.pollMs,
      timeoutMs: config.webhooks.timeoutMs, maxResponseBytes: config.webhooks.maxResponseBytes, disableAfterMs: config.webhooks.disableAfterHours * 3_600_000,
    },
    events: {
      onResult: (result, latencyMs) => {
        if (result.attempt === null && result.next.state === 'pending') return; // deferred: its endpoint was busy
        metrics.webhookAttempts.inc({ outcome: result.next.state === 'pending' ? 'retry' : result.next.state });
        if (latencyMs !== null) metrics.webhookLatency.observe(latencyMs / 1000);
      },
      onDisabled: (endpoint) => {
        metrics.webhookEndpointsDisabled.inc({ reason: endpoint.reason.startsWith('answered 410') ? 'gone' : 'failing' });
        logger.warn({ endpoint: endpoint.id, account: endpoint.accountId, reason: endpoint.reason }, 'webhook endpoint disabled');
      },
      onError: onError('webhook-delivery'),
      onRoom: () => fanOut?.roomFreed(),
    },
  });
  const fanOut = deliveries && new WebhookFanOutWorker({
    // With one process on the store (SQLite), the fan-out keeps pace with the local delivery worker
    // and hands it every new delivery claimed at birth; with several nodes (PostgreSQL) deliveries
    // are left for whichever node claims them.
    store, clock, options: { pollMs: config.webhooks.pollMs, paced: store.driver === 'sqlite' }, ...(store.driver === 'sqlite' && { handOff: deliveries }),
    events: {
      onFannedOut: (events, made) => {
        metrics.eventsFannedOut.inc(events);
        if (made > 0) deliveries.wake();
      },
      onError: onError('webhook-fan-out'),
    },
  });

  // The sandbox asks for no delay of its own: the dispatcher's backoff decides when to retry.
  const channel = options.channel ?? new SandboxChannel({ ...config.sandbox, retryAfterMs: 0 }, clock);
  const receipts = new ReceiptWorker(store, clock, {
    onTransitions, onError: onError('receipts'),
    onDropped: (count) => {
      metrics.receiptsDropped.inc(count);
      logger.warn({ count }, 'receipts dropped: their submissions were never recorded (in doubt)');
    },
  });
  channel.onReceipts(receipts.accept);
  // Routes with upstream connectors travel over SMPP; the others through the default channel.
  const smpp = new SmppChannel(config.smpp.upstream, clock);
  smpp.onReceipts(receipts.accept);
  const channelFor = (routeId: string): Channel => (smpp.serves(routeId) ? smpp : channel);
  const loadConnectors = async () => smpp.update(await core.connectors.forDispatch());
  let connectorTimer: NodeJS.Timeout | undefined;
  let patternTimer: NodeJS.Timeout | undefined;
  let statusTimer: NodeJS.Timeout | undefined;

  // One node at a time dispatches (and holds the binds to carriers): the holder of this lease.
  // Winning it means taking over whatever the previous holder left: its in-doubt claims and the
  // submitted messages still waiting for receipts.
  const dispatchLeaseName = 'dispatch';
  const dispatchLease = new LeaseKeeper(dispatchLeaseName, nodeId, store, leaseOptions, {
    onAcquired: async () => {
      metrics.leaseHeld.set({ lease: dispatchLeaseName }, 1);
      metrics.leaseAcquiredAt.set({ lease: dispatchLeaseName }, Date.now());
      await smpp.activate();
      const recovered = await store.recoverInDoubt(clock.now());
      if (recovered.length > 0) logger.warn({ count: recovered.length }, 'in-doubt submissions of the previous holder resolved');
      onTransitions(recovered);
      if (channel.resume) {
        for (let after: string | undefined, page; (page = await store.listAwaitingReceipt(after, 10_000)).length > 0; after = page.at(-1)?.id) {
          channel.resume(page);
        }
      }
      for (const w of workers.values()) w.start();
      logger.info({ lease: dispatchLeaseName, node: nodeId }, 'dispatch lease acquired');
    },
    onLost: async () => {
      metrics.leaseHeld.set({ lease: dispatchLeaseName }, 0);
      // Handing the lease over on a clean stop is routine; losing it while running is worth a warning.
      if (stopping) logger.info({ lease: dispatchLeaseName, node: nodeId }, 'dispatch lease released');
      else logger.warn({ lease: dispatchLeaseName, node: nodeId }, 'dispatch lease lost');
      await Promise.all([...workers.values()].map((w) => w.stop()));
      await smpp.deactivate();
    },
    onError: onError('lease'),
  });
  // While customers' own requests saturate this node (workers/ingress-pressure.ts), the bulk lane
  // gives way and the transactional and bulk lanes claim in fuller batches.
  const yieldCfg = config.dispatch.bulkYield;
  const ingress = works && (yieldCfg.enabled || config.dispatch.lingerBusyMs > config.dispatch.lingerMs)
    ? new IngressPressure(yieldCfg, { onChange: (busy) => metrics.ingressPressure.set(busy ? 1 : 0) })
    : undefined;
  ingress?.start();
  const workers = new Map(lanes.map((lane) => [lane, new DispatchWorker(lane, {
    store, clock, channelFor, options: config.dispatch, promotionalWindow: config.promotionalWindow,
    reveal: (sealed, id) => core.box.open(sealed, `message:${id}`),
    events: {
      onTransitions, onError: onError(`dispatch-${lane}`),
      onSubmit: (name, count) => {
        metrics.channelSubmits.inc({ channel: name }, count);
        metrics.lastSubmit.set({ channel: name }, Date.now());
      },
    },
    lease: dispatchLease,
    capacity: () => (smpp.serving ? smpp.capacity() : Infinity),
    ...(ingress && { pressure: ingress }),
    ...(lane === 'bulk' && ingress && yieldCfg.enabled && { pacing: { pressure: ingress, batchSize: yieldCfg.batchSize, pauseMs: yieldCfg.pauseMs } }),
  })]));

  const housekeeping = new HousekeepingWorker({
    store, clock, onError: onError('housekeeping'), onTransitions,
    options: {
      idempotencyRetentionSeconds: config.idempotency.retentionSeconds, receiptGraceSeconds: config.messages.receiptGraceSeconds,
      smppPartTimeoutMs: config.smpp.partTimeoutMs, eventRetentionDays: config.webhooks.eventRetentionDays,
      otpRetentionDays: config.otp.sessionRetentionDays,
    },
  });
  const housekeepingLease = new LeaseKeeper('housekeeping', nodeId, store, leaseOptions, {
    onAcquired: async () => { housekeeping.start(); metrics.leaseHeld.set({ lease: 'housekeeping' }, 1); },
    onLost: async () => { metrics.leaseHeld.set({ lease: 'housekeeping' }, 0); await housekeeping.stop(); },
    onError: onError('lease'),
  });

  const expander = new BatchExpander({ store, pollMs: config.dispatch.pollIntervalMs, onError: onError('batch-expander') });

  const policy = sendPolicy(config);
  const send = new SendService({
    store, profiles: core.profiles, clock, ids: core.ids, policy, checkCallbackUrl: (url) => core.webhooks.checkUrl(url, 'callback_url'),
    onAccepted: (lane, count) => {
      workers.get(lane)?.wake();
      metrics.accepted.inc({ lane }, count);
    },
    sealSecret: (text, id) => core.box.seal(text, `message:${id}`),
    contentFilter: core.contentFilter,
  });
  const otp = new OtpService({
    store, send, profiles: core.profiles, clock, ids: core.ids, box: core.box, hashKey: core.otpHashKey, settings: config.otp,
    onGuard: (guard, tripped) => {
      metrics.otpGuards.inc({ guard, tripped: String(tripped) });
      if (tripped) logger.warn({ guard }, 'OTP guard tripped');
    },
  });
  const reports = new ReportService(store);
  const limiter: RateLimiter = store.driver === 'sqlite' ? new LocalRateLimiter(clock) : new SharedRateLimiter(store, clock);
  const http = await buildHttpServer({
    config, logger, clock, metrics, send, reports, admin: core.admin, connectors: core.connectors, smppUsers: core.smppUsers, auth: core.auth, webhooks: core.webhooks, otp, otpAdmin: core.otpAdmin, contentFilterAdmin: core.contentFilterAdmin,
    ready: () => ready && storeUp, limiter, api: role !== 'worker', onCustomerRequest: ingress && (() => ingress.note()),
    notReadyReason: () => (ready && !storeUp ? 'The database is unreachable; nothing was stored. Retry shortly.' : undefined),
  });
  // Patterns stored by the admin API or the CLI (on any node) reach this node's sends within
  // refreshMs; they are read once before the node serves, so it never sends what they block.
  if (role !== 'worker' && config.contentFilter.enabled) {
    let skippedBefore = '';
    const loadPatterns = async () => {
      const skipped = await core.contentFilterAdmin.refresh();
      if (skipped.join('\n') !== skippedBefore) {
        skippedBefore = skipped.join('\n');
        if (skipped.length > 0) logger.warn({ patterns: skipped }, 'stored content patterns left out: they fail the current pattern rules; remove them');
      }
    };
    await loadPatterns().catch(onError('content-filter'));
    patternTimer = setInterval(() => { loadPatterns().catch(onError('content-filter')); }, config.contentFilter.refreshMs);
    patternTimer.unref();
  }
  // Work accepted by another node wakes this node's dispatchers at once (when the store can tell).
  const unsubscribe = works ? store.onWork?.((lane) => workers.get(lane)?.wake()) : undefined;
  // A commit that deferred messages (SQLite's large batches): make their rows now.
  const unsubscribeDeferred = works ? store.onDeferred?.(() => expander.wake()) : undefined;
  if (works) {
    receipts.start();
    await loadConnectors().catch(onError('connectors'));
    // Connector changes (the CLI writes them to the store) reach the binds within reloadMs; the
    // node holding the binds reports their live state for `dakiya connector list`.
    connectorTimer = setInterval(() => { loadConnectors().catch(onError('connectors')); }, config.smpp.upstream.reloadMs);
    connectorTimer.unref();
    statusTimer = setInterval(() => {
      if (!dispatchLease.held()) return;
      const states = smpp.states();
      metrics.recordConnectors(states);
      if (states.length > 0) core.connectors.reportStatus(nodeId, states.map((state) => ({ name: state.name, state }))).catch(onError('connectors'));
    }, 1000);
    statusTimer.unref();
    await dispatchLease.start();
    await housekeepingLease.start();
    expander.start();
    deliveries?.start();
    fanOut?.start();
    metrics.channelUp.set({ channel: channel.name }, 1);
  }

  let url = '';
  if (options.listen !== false) {
    url = await http.listen({ host: config.server.host, port: config.server.port });
  }
  if (role !== 'worker' && config.smpp.enabled) {
    smppServer = new SmppServer({
      options: config.smpp, users: core.smppUsers, send, reports, profiles: core.profiles, store, clock, ids: core.ids,
      onError: onError('smpp-server'), onCustomerRequest: ingress && (() => ingress.note()),
    });
    try {
      await smppServer.listen();
    } catch (error) {
      await http.close();
      throw error;
    }
  }
  ready = true;

  return {
    core, http, logger, metrics, url, channel, smpp, smppServer, housekeeping, nodeId, otp,
    stop() {
      stopping ??= (async () => {
        ready = false;
        clearInterval(health);
        clearInterval(patternTimer);
        unsubscribe?.();
        unsubscribeDeferred?.();
        await housekeepingLease.stop();
        await http.close();
        await smppServer?.close();
        await expander.stop();
        ingress?.stop();
        await dispatchLease.stop();
        await Promise.all([...workers.values()].map((w) => w.stop()));
        clearInterval(connectorTimer);
        clearInterval(statusTimer);
        await channel.close();
        await smpp.close();
        await receipts.stop();
        await fanOut?.stop();
        await deliveries?.stop();
        await transport?.close();
        await store.close();
      })();
      return stopping;
    },
  };
}
