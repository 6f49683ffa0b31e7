// The one configuration schema: every setting Dakiya reads at boot, with its default and meaning.
// Environment names, docs/reference/config.md and validation all derive from this file alone.
import Type, { type Static, type TProperties } from 'typebox';
// The pattern rule is the content filter's own, so boot refuses exactly what the filter could not use.
import { contentPatternProblem, maxPatternLength } from '../services/content-filter.ts';

// Sections reject unknown keys so a misspelt setting in a config file fails at boot instead of
// silently keeping its default.
function section<Properties extends TProperties>(properties: Properties) {
  return Type.Object(properties, { additionalProperties: false });
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const ConfigSchema = section({
  dataDir: Type.String({ default: './data', description: 'Directory for the SQLite database and the pepper file.' }),
  server: section({
    host: Type.String({ default: '0.0.0.0', description: 'Address the HTTP server listens on.' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'TCP port the HTTP server listens on (0 picks a free port).' }),
    trustProxy: Type.Boolean({ default: false, description: 'Trust X-Forwarded-For for client IPs; enable only behind a proxy you run.' }),
    bodyLimitBytes: Type.Integer({ minimum: 1, default: 1048576, description: 'Largest request body accepted, in bytes (all endpoints but bulk).' }),
    bulkBodyLimitBytes: Type.Integer({ minimum: 1, default: 16777216, description: 'Body limit of POST /v1/sms/bulk, in bytes.' }),
  }),
  store: section({
    url: Type.Optional(Type.String({
      pattern: '^postgres(ql)?://',
      description: 'PostgreSQL connection URL (postgres://user:password@host:port/db); when unset, SQLite in dataDir. Several nodes may share one database.',
    })),
    sqlite: section({
      filename: Type.String({ default: 'dakiya.db', description: 'Database file: absolute, or relative to dataDir.' }),
      synchronous: Type.Union([Type.Literal('full'), Type.Literal('normal')], {
        default: 'full',
        description: "SQLite synchronous mode: 'full' survives power loss, 'normal' only a process crash.",
      }),
      deferBatchesFrom: Type.Integer({
        minimum: 0, default: 2000,
        description: 'A request of at least this many messages is committed as compact chunks (one row per 1,000 messages) and fanned out to message rows right after its 2xx, a chunk per transaction; readers of the batch always see it whole. 0 = never.',
      }),
    }),
    postgres: section({
      poolSize: Type.Integer({ minimum: 2, default: 20, description: 'Connections each node keeps to PostgreSQL.' }),
      connectTimeoutMs: Type.Integer({ minimum: 100, default: 5000, description: 'How long a query waits for a connection before the request is answered 503, in ms.' }),
      commitsInFlight: Type.Integer({ minimum: 1, default: 4, description: 'Group commits in flight at once on PostgreSQL (each holds one connection).' }),
      analyzeFreshTablesFrom: Type.Integer({ minimum: 0, default: 1000, description: 'A hot table never analysed yet is analysed once this many rows were written to it, rather than planned without statistics until autovacuum gets to it (0 = leave it to autovacuum).' }),
    }),
    groupCommit: section({
      maxBatch: Type.Integer({ minimum: 1, default: 1000, description: 'Most requests committed in one transaction.' }),
      maxDelayMs: Type.Number({ minimum: 0, default: 0, description: 'How long the first request of a commit waits for company, in ms (0 = next tick).' }),
    }),
  }),
  node: section({
    id: Type.Optional(Type.String({
      pattern: '^[A-Za-z0-9._-]{1,100}$',
      description: 'This node\'s name in leases. Default: "local" on SQLite; on PostgreSQL the host name plus a random suffix per start (set a stable one so a restarted node takes its leases back at once).',
    })),
    role: Type.Union([Type.Literal('all'), Type.Literal('api'), Type.Literal('worker')], {
      default: 'all',
      description: "'api' serves HTTP only; 'worker' runs dispatch, receipts and housekeeping (HTTP: health, readiness and metrics only); 'all' does both.",
    }),
    leaseTtlMs: Type.Integer({ minimum: 500, default: 10000, description: 'How long a node\'s hold on a channel\'s dispatch (or housekeeping) lasts without renewal; a dead node\'s work moves to a live node within about this time, in ms.' }),
    leaseRenewMs: Type.Integer({ minimum: 100, default: 2000, description: 'How often leases are renewed, and how often a standby node tries to take one over, in ms.' }),
  }),
  log: section({
    level: Type.Union(logLevels.map((level) => Type.Literal(level)), { default: 'info', description: 'Least severe level written to the log.' }),
    redact: Type.Boolean({ default: true, description: 'Mask phone numbers and message bodies in logs.' }),
  }),
  security: section({
    pepperFile: Type.String({
      default: 'pepper',
      description: 'Secret for keyed hashes of API keys and tokens: absolute, or relative to dataDir; created on first start with mode 0600. Every node on one database needs the same file.',
    }),
    adminToken: Type.Optional(Type.String({ minLength: 1, description: 'Fixed operator token for the admin API; when unset, one is generated on first start.' })),
  }),
  rateLimit: section({
    requestsPerMinute: Type.Integer({ minimum: 1, default: 1000, description: 'Default request limit per API key (seed 004); a key may carry its own.' }),
  }),
  messages: section({
    maxSegments: Type.Integer({ minimum: 1, maximum: 255, default: 10, description: 'Most segments one message may have.' }),
    defaultValiditySeconds: Type.Integer({ minimum: 60, default: 86400, description: 'How long a message may wait for delivery when the request sets no validity, in seconds.' }),
    receiptGraceSeconds: Type.Integer({ minimum: 60, default: 3600, description: 'After a submitted message\'s validity ends, how long to wait for a late receipt before marking it UNKNOWN.' }),
    maxScheduleDays: Type.Integer({ minimum: 1, default: 90, description: 'How far ahead a message may be scheduled, in days.' }),
  }),
  dlt: section({
    enforce: Type.Boolean({ default: true, description: 'Require a registered DLT template for messages to Indian numbers.' }),
    maxVariableLength: Type.Integer({ minimum: 1, maximum: 500, default: 30, description: 'Most characters one template variable may take.' }),
  }),
  promotionalWindow: section({
    start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', default: '09:00', description: 'Daily opening of the promotional window (HH:MM, in timeZone).' }),
    end: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', default: '21:00', description: 'Daily closing of the promotional window (HH:MM, in timeZone).' }),
    timeZone: Type.String({ minLength: 1, default: 'Asia/Kolkata', description: 'IANA time zone of the promotional window.' }),
  }),
  contentFilter: section({
    enabled: Type.Boolean({ default: true, description: 'Run the content filter on every send (ERR_CONTENT_BLOCKED, seed 000\'s code 107).' }),
    patterns: Type.Refine(
      Type.Array(Type.String({ minLength: 1, maxLength: maxPatternLength }), {
        default: [],
        description: `Blocked content: regular expressions (JavaScript syntax, matched case-insensitively with the u flag) a message text may not match; each at most ${maxPatternLength} characters, without nested quantifiers. Set them in the config file (a list cannot come from the environment).`,
      }),
      (patterns) => patterns.every((p) => contentPatternProblem(p) === undefined),
      (patterns) => patterns.map((p) => contentPatternProblem(p) && `${JSON.stringify(p)} ${contentPatternProblem(p)}`).filter(Boolean).join('; '),
    ),
    identicalContentMax: Type.Integer({ minimum: 0, default: 0, description: 'Most recipients one identical text (case and white space folded) may reach per account within identicalContentWindowSeconds; 0 = no limit. Counted in memory on each node, so with N API nodes up to N times this; OTP messages are not counted.' }),
    identicalContentWindowSeconds: Type.Integer({ minimum: 1, default: 3600, description: 'The window of identicalContentMax, in seconds; it starts with the first recipient of the text.' }),
    refreshMs: Type.Integer({ minimum: 100, default: 5000, description: 'How often each API node re-reads the patterns operators store with the admin API or `dakiya content-filter` (the node that made a change applies it at once), in ms. enabled = false turns those off too.' }),
  }),
  idempotency: section({
    retentionSeconds: Type.Integer({ minimum: 3600, default: 86400, description: 'How long an Idempotency-Key and its response are kept.' }),
  }),
  bulk: section({
    maxRecipients: Type.Integer({ minimum: 1, default: 50000, description: 'Most recipients in one bulk request.' }),
    maxConcurrent: Type.Integer({ minimum: 1, default: 2, description: 'Bulk requests processed at once; more wait in line before their bodies are read (bounds memory).' }),
  }),
  dispatch: section({
    batchSize: Type.Integer({ minimum: 1, default: 500, description: 'Most due messages the dispatcher claims at once.' }),
    pollIntervalMs: Type.Integer({ minimum: 1, default: 200, description: 'How often an idle dispatcher looks for due messages, in ms.' }),
    maxInFlight: Type.Integer({ minimum: 1, default: 5000, description: 'Submissions outstanding per lane.' }),
    lingerMs: Type.Integer({ minimum: 0, default: 5, description: 'How long the transactional and bulk lanes wait after new work arrives before claiming, so claims come in batches (the OTP lane never waits).' }),
    lingerBusyMs: Type.Integer({ minimum: 0, default: 25, description: 'The same wait while customers\' requests saturate the node (measured as bulkYield says: busyAbove, minRequestsPerSecond, windowMs): fuller claims mean fewer transactions and WAL syncs between the requests. Never shorter than lingerMs; the OTP lane never waits.' }),
    retryBackoffMs: Type.Integer({ minimum: 0, default: 2000, description: 'Wait before the first retry of a submission that failed temporarily, in ms; it doubles with each further attempt, up to 15 minutes.' }),
    bulkYield: section({
      enabled: Type.Boolean({ default: true, description: 'The bulk lane gives way while customers\' requests saturate the node: it claims in small slices with pauses, so API calls, SMPP submits and the OTP and transactional lanes keep their CPU.' }),
      busyAbove: Type.Number({ minimum: 0, maximum: 1, default: 0.85, description: 'Event-loop utilisation (0–1) over one window from which the node counts as saturated.' }),
      minRequestsPerSecond: Type.Integer({ minimum: 1, default: 200, description: 'Customer requests per second (API calls, SMPP submits) from which the saturation counts as theirs rather than the campaign\'s own.' }),
      windowMs: Type.Integer({ minimum: 10, default: 100, description: 'Length of one measuring window, in ms.' }),
      batchSize: Type.Integer({ minimum: 1, default: 50, description: 'Most messages the bulk lane claims at once while it gives way.' }),
      pauseMs: Type.Integer({ minimum: 1, default: 25, description: 'Pause after each such claim, in ms (so at most batchSize × 1000 / pauseMs bulk messages a second).' }),
    }),
  }),
  sandbox: section({
    latencyMs: Type.Integer({ minimum: 0, default: 0, description: 'Submit latency of the sandbox channel, in ms.' }),
    receiptDelayMs: Type.Integer({ minimum: 0, default: 50, description: 'Time from submit to receipt in the sandbox channel, in ms.' }),
    unreachableRetryMs: Type.Integer({ minimum: 0, default: 2000, description: 'Retry delay for sandbox messages to simulated unreachable handsets, in ms.' }),
  }),
  smpp: section({
    enabled: Type.Boolean({ default: true, description: 'Run the SMPP server for customers (on nodes whose role serves the API).' }),
    host: Type.String({ default: '0.0.0.0', description: 'Address the SMPP server listens on.' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 2775, description: 'TCP port the SMPP server listens on (0 picks a free port).' }),
    tls: section({
      enabled: Type.Boolean({ default: false, description: 'Serve SMPP over TLS only (certFile and keyFile required).' }),
      certFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM certificate chain of the SMPP server\'s TLS certificate.' })),
      keyFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key of the SMPP server\'s TLS certificate.' })),
    }),
    maxConnections: Type.Integer({ minimum: 1, default: 2000, description: 'Open SMPP connections per node, bound or not; more are closed at once.' }),
    bindTimeoutMs: Type.Integer({ minimum: 100, default: 10_000, description: 'A connection that has not bound within this is closed, in ms.' }),
    inactivityTimeoutMs: Type.Integer({ minimum: 0, default: 120_000, description: 'A connection that sent no PDU for this long is closed (0 = never), in ms.' }),
    enquireLinkMs: Type.Integer({ minimum: 0, default: 30_000, description: 'Idle time after which the server checks a bind with enquire_link (0 = never), in ms.' }),
    responseTimeoutMs: Type.Integer({ minimum: 100, default: 10_000, description: 'How long a deliver_sm (receipt) waits for the customer\'s deliver_sm_resp, in ms.' }),
    maxPendingPerBind: Type.Integer({ minimum: 1, default: 1000, description: 'submit_sm being processed per bind; more are answered ESME_RTHROTTLED, so one customer cannot starve the others.' }),
    defaultMaxBinds: Type.Integer({ minimum: 1, default: 10, description: 'Binds an account may hold on one node, for SMPP users created without --max-binds.' }),
    defaultRoute: Type.String({ minLength: 1, default: 'transactional', description: 'Route of submissions without a DLT template, for SMPP users created without --route.' }),
    defaultAlphabet: Type.Union([Type.Literal('gsm7'), Type.Literal('latin1')], {
      default: 'gsm7',
      description: "How submit_sm with data_coding 0 is read: 'gsm7' (GSM 03.38 unpacked septets, SMPP 3.4's SMSC default) or 'latin1' (for ESMEs that send ASCII).",
    }),
    dltTemplateIdTag: Type.Integer({ minimum: 0x1400, maximum: 0x3fff, default: 0x1401, description: 'TLV tag customers send the DLT template id in.' }),
    dltPeIdTag: Type.Integer({ minimum: 0x1400, maximum: 0x3fff, default: 0x1400, description: 'TLV tag customers send the DLT principal entity (PE) id in; the message is sent upstream under it.' }),
    partTimeoutMs: Type.Integer({ minimum: 1000, default: 60_000, description: 'How long the parts of a long message (UDH or SAR) wait for the rest before they are dropped, in ms.' }),
    maxPartialMessages: Type.Integer({ minimum: 1, default: 1000, description: 'Long messages waiting for parts per bind; parts of more are answered ESME_RMSGQFUL.' }),
    receiptWindow: Type.Integer({ minimum: 1, default: 10, description: 'Receipts (deliver_sm) outstanding per bind.' }),
    receiptPollMs: Type.Integer({ minimum: 10, default: 200, description: 'How often a bound receiver looks for receipts written by other nodes, in ms (this node\'s wake it at once).' }),
    receiptClaimMs: Type.Integer({ minimum: 1000, default: 60_000, description: 'A receipt sent but not acknowledged is offered again after this, in ms (at-least-once).' }),
    lockout: section({
      maxFailures: Type.Integer({ minimum: 1, default: 5, description: 'Failed binds of one system_id within windowMs that lock it.' }),
      windowMs: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 900_000, description: 'Window in which failed binds add up, in ms.' }),
      lockMs: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 900_000, description: 'How long a locked system_id is refused, in ms.' }),
    }),
    upstream: section({
      reloadMs: Type.Integer({ minimum: 100, default: 5000, description: 'How often a dispatching node re-reads the connector list (changes made with `dakiya connector` take effect within this), in ms.' }),
      connectTimeoutMs: Type.Integer({ minimum: 100, default: 10_000, description: 'TCP (and TLS) connect timeout to a carrier, in ms.' }),
      responseTimeoutMs: Type.Integer({ minimum: 100, default: 10_000, description: 'How long a submit_sm waits for its submit_sm_resp before the message counts as in doubt (UNKNOWN, never resent blindly), in ms.' }),
      enquireLinkMs: Type.Integer({ minimum: 0, default: 30_000, description: 'Idle time after which an enquire_link checks the bind (0 = never), in ms.' }),
      reconnectMinMs: Type.Integer({ minimum: 10, default: 1000, description: 'First reconnect delay after a bind drops or fails; it doubles per failure (with jitter), in ms.' }),
      reconnectMaxMs: Type.Integer({ minimum: 10, default: 60_000, description: 'Longest reconnect delay, in ms.' }),
      throttleBackoffMs: Type.Integer({ minimum: 0, default: 1000, description: 'How long a bind rests after the carrier answers ESME_RTHROTTLED or ESME_RMSGQFUL, in ms.' }),
      partRetries: Type.Integer({ minimum: 0, default: 3, description: 'Tries of a later part of a long message that the carrier throttled before the message counts as in doubt.' }),
      retryAfterMs: Type.Integer({ minimum: 0, default: 1000, description: 'When every connector of a route is busy or down, the message is retried after at least this long (the dispatcher backs off further), in ms.' }),
    }),
  }),
  webhooks: section({
    enabled: Type.Boolean({ default: true, description: 'Push events to webhook endpoints and callback URLs (on nodes whose role does the work).' }),
    allowPrivateNetworks: Type.Boolean({ default: false, description: 'Let customer webhook and callback URLs reach loopback, private, link-local and other non-public addresses (for tests and closed networks only).' }),
    timeoutMs: Type.Integer({ minimum: 1000, maximum: 60_000, default: 15_000, description: 'One deadline per delivery attempt (resolve, connect, send, read), in ms.' }),
    maxResponseBytes: Type.Integer({ minimum: 0, maximum: 65_536, default: 1024, description: 'How much of an endpoint\'s answer is read and kept in the attempt log, in bytes.' }),
    concurrency: Type.Integer({ minimum: 1, default: 512, description: 'Deliveries in flight per node.' }),
    perEndpointConcurrency: Type.Integer({ minimum: 1, default: 128, description: 'Deliveries in flight per endpoint (or callback host) per node, so one slow endpoint cannot hold every slot.' }),
    pollMs: Type.Integer({ minimum: 10, default: 100, description: 'How often the fan-out and the delivery worker look for work written by other nodes, in ms (this node\'s own events wake them at once).' }),
    disableAfterHours: Type.Integer({ minimum: 1, default: 120, description: 'An endpoint whose every delivery failed for this long is disabled (and the operator told), in hours.' }),
    secretOverlapHours: Type.Integer({ minimum: 0, maximum: 720, default: 24, description: 'After a secret rotation, how long deliveries are signed with both the new and the old secret, in hours.' }),
    eventRetentionDays: Type.Integer({ minimum: 5, default: 14, description: 'How long events (and finished deliveries with their attempts) are kept for GET /v1/events and redelivery, in days (at least the 96-hour retry span).' }),
  }),
  otp: section({
    length: Type.Integer({ minimum: 4, maximum: 10, default: 6, description: 'Digits of a code when neither the request nor its OTP channel says.' }),
    expirySeconds: Type.Integer({ minimum: 30, maximum: 1800, default: 600, description: 'How long a code stays valid when neither the request nor its OTP channel says, in seconds (requests may ask 30-1800).' }),
    maxAttempts: Type.Integer({ minimum: 1, maximum: 10, default: 5, description: 'Checks a session allows when neither the request nor its OTP channel says; the session locks after the last wrong one.' }),
    maxSendsPerSession: Type.Integer({ minimum: 1, maximum: 10, default: 3, description: 'Sends per session, the first included (resends re-send the same code while it is valid).' }),
    resendCooldownSeconds: Type.Integer({ minimum: 0, default: 30, description: 'Shortest time between two sends of one session, in seconds.' }),
    lockSeconds: Type.Integer({ minimum: 0, default: 900, description: 'After a session runs out of attempts, how long its number may not start a new one, in seconds.' }),
    sessionRetentionDays: Type.Integer({ minimum: 1, default: 30, description: 'How long ended OTP sessions are kept (status lookups), in days.' }),
    allowedCountries: Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { default: ['IN'], description: 'ISO 3166-1 alpha-2 countries an account may send OTPs to unless its own policy says otherwise.' }),
    dailyBudget: Type.Integer({ minimum: 0, default: 50_000, description: 'OTP sends per account per day (Asia/Kolkata) unless its own policy says otherwise; 0 = no budget.' }),
    limits: section({
      perNumberSends: Type.Integer({ minimum: 0, default: 5, description: 'Sends to one number per account within perNumberWindowSeconds, across sessions (0 = no limit).' }),
      perNumberWindowSeconds: Type.Integer({ minimum: 1, default: 600, description: 'The sliding window of perNumberSends, in seconds.' }),
      failedChecksPerNumber: Type.Integer({ minimum: 0, default: 10, description: 'Wrong codes for one number per account within failedChecksWindowSeconds, across sessions; further checks are refused (0 = no limit).' }),
      failedChecksWindowSeconds: Type.Integer({ minimum: 1, default: 3600, description: 'The sliding window of failedChecksPerNumber, in seconds.' }),
      newPrefixSends: Type.Integer({ minimum: 0, default: 20, description: 'Sends per newPrefixWindowSeconds to a number range (prefixDigits) where no code of the account was ever verified: SMS pumping hits ranges that never verify (0 = no limit).' }),
      newPrefixWindowSeconds: Type.Integer({ minimum: 1, default: 3600, description: 'The sliding window of newPrefixSends, in seconds.' }),
      prefixDigits: Type.Integer({ minimum: 3, maximum: 12, default: 7, description: 'Leading digits of the number (country code included) that make its range for the new-prefix guard.' }),
    }),
  }),
  metrics: section({
    enabled: Type.Boolean({ default: true, description: 'Collect and expose Prometheus metrics.' }),
  }),
  firstStart: section({
    demo: Type.Boolean({ default: true, description: 'Create the demo account on an empty database.' }),
  }),
});

export type Config = Static<typeof ConfigSchema>;
