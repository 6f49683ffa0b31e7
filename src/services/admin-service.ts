// The operator's use cases: accounts, keys, routes, credits, sender IDs, DLT templates and DND.
// The admin API, the CLI and first start all go through here.
import { type Account, type ApiKey, type DltTemplate, isDltEntityId, type KeyMode, type SenderId } from '../domain/account.ts';
import type { Clock } from '../domain/clock.ts';
import { parseTemplate, variableCount } from '../domain/dlt-template.ts';
import { DakiyaError } from '../domain/errors.ts';
import type { IdGenerator } from '../domain/ids.ts';
import { type MessageCategory, messageCategories } from '../domain/message.ts';
import { normaliseRecipient } from '../domain/recipient.ts';
import { type Route, routeCategories } from '../domain/route.ts';
import { inferSenderKind, normaliseSenderId, type SenderKind, templateSenderKind, validateSenderId } from '../domain/sender-id.ts';
import type { Balance, LedgerEntry, Store } from '../store/store.ts';
import type { AuthService } from './auth-service.ts';
import { validateAllowlistEntry } from './ip-allowlist.ts';
import { SecretHasher } from './secret-hasher.ts';
import type { SendingProfileCache } from './sending-profile-cache.ts';

export interface NewKeyOptions {
  label?: string;
  mode?: KeyMode;
  ipAllowlist?: readonly string[];
}

const templateIdPattern = /^[A-Za-z0-9_.-]{1,64}$/;

export class AdminService {
  #store: Store;
  #hasher: SecretHasher;
  #clock: Clock;
  #ids: IdGenerator;
  #profiles: SendingProfileCache;
  #auth: AuthService;

  constructor(deps: { store: Store; hasher: SecretHasher; clock: Clock; ids: IdGenerator; profiles: SendingProfileCache; auth: AuthService }) {
    this.#store = deps.store;
    this.#hasher = deps.hasher;
    this.#clock = deps.clock;
    this.#ids = deps.ids;
    this.#profiles = deps.profiles;
    this.#auth = deps.auth;
  }

  /** Returns the raw token: shown once, stored only as a keyed hash. */
  async createOperatorToken(fixed?: string): Promise<string> {
    const token = fixed ?? SecretHasher.generate('dko_');
    const hash = this.#hasher.hash(token);
    if (!(await this.#store.hasOperatorToken(hash))) await this.#store.createOperatorToken(this.#ids(), hash, this.#clock.now());
    return token;
  }

  async createAccount(input: { name: string; credits?: Readonly<Record<string, number>>; rateLimitPerMinute?: number | null }): Promise<{ account: Account; apiKey: string; key: ApiKey }> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200) throw new DakiyaError('ERR_INVALID_REQUEST', 'name must be 1-200 characters', { field: 'name' });
    const credits = Object.entries(input.credits ?? {});
    const routes = await this.#store.listRoutes();
    for (const [routeId, amount] of credits) {
      if (!routes.some((r) => r.id === routeId)) throw new DakiyaError('ERR_ROUTE_NOT_FOUND', `Route ${routeId} does not exist.`, { route: routeId });
      checkAmount(amount, true);
    }
    const account: Account = { id: this.#ids(), name, status: 'active', rateLimitPerMinute: input.rateLimitPerMinute ?? null, createdAt: this.#clock.now() };
    await this.#store.createAccount(account);
    for (const [routeId, amount] of credits) await this.#store.addCredits(account.id, routeId, amount, 'topup', 'initial credits', account.createdAt);
    const { apiKey, key } = await this.createKey(account.id, { label: 'default' });
    return { account, apiKey, key };
  }

  async getAccount(id: string): Promise<Account> {
    const account = await this.#store.getAccount(id);
    if (!account) throw new DakiyaError('ERR_NOT_FOUND', `No account ${id}.`);
    return account;
  }

  listAccounts(): Promise<Account[]> {
    return this.#store.listAccounts();
  }

  async updateAccount(id: string, patch: { name?: string; status?: Account['status']; rateLimitPerMinute?: number | null }): Promise<Account> {
    if (patch.rateLimitPerMinute != null && (!Number.isInteger(patch.rateLimitPerMinute) || patch.rateLimitPerMinute < 1)) {
      throw new DakiyaError('ERR_INVALID_REQUEST', 'rate_limit_per_minute must be a positive integer', { field: 'rate_limit_per_minute' });
    }
    const account = await this.#store.updateAccount(id, patch);
    if (!account) throw new DakiyaError('ERR_NOT_FOUND', `No account ${id}.`);
    this.#changed(id);
    return account;
  }

  async createKey(accountId: string, options: NewKeyOptions = {}): Promise<{ apiKey: string; key: ApiKey }> {
    await this.getAccount(accountId);
    const allowlist = [...(options.ipAllowlist ?? [])];
    for (const entry of allowlist) {
      const problem = validateAllowlistEntry(entry);
      if (problem) throw new DakiyaError('ERR_INVALID_REQUEST', problem, { field: 'ip_allowlist' });
    }
    const mode = options.mode ?? 'live';
    const apiKey = SecretHasher.generate(`dk_${mode}_`);
    const key: ApiKey = {
      id: this.#ids(), accountId, prefix: apiKey.slice(0, 12), label: options.label ?? '', mode, status: 'active',
      ipAllowlist: allowlist, createdAt: this.#clock.now(), revokedAt: null,
    };
    await this.#store.createApiKey(key, this.#hasher.hash(apiKey));
    return { apiKey, key };
  }

  async listKeys(accountId: string): Promise<ApiKey[]> {
    await this.getAccount(accountId);
    return this.#store.listApiKeys(accountId);
  }

  async revokeKey(accountId: string, keyId: string): Promise<void> {
    if (!(await this.#store.revokeApiKey(accountId, keyId, this.#clock.now()))) throw new DakiyaError('ERR_NOT_FOUND', `No active key ${keyId} on account ${accountId}.`);
    this.#changed(accountId);
  }

  /** A new key with the old one's label, mode and allowlist; the old key stops working at once. */
  async rotateKey(accountId: string, keyId: string): Promise<{ apiKey: string; key: ApiKey }> {
    const old = (await this.#store.listApiKeys(accountId)).find((k) => k.id === keyId && k.status === 'active');
    if (!old) throw new DakiyaError('ERR_NOT_FOUND', `No active key ${keyId} on account ${accountId}.`);
    const fresh = await this.createKey(accountId, { label: old.label, mode: old.mode, ipAllowlist: old.ipAllowlist });
    await this.revokeKey(accountId, keyId);
    return fresh;
  }

  listRoutes(): Promise<Route[]> {
    return this.#store.listRoutes();
  }

  async upsertRoute(route: Route): Promise<Route> {
    if (!/^[a-z0-9_-]{1,40}$/.test(route.id)) throw new DakiyaError('ERR_INVALID_REQUEST', 'route id: 1-40 of a-z 0-9 _ -', { field: 'id' });
    if (!routeCategories.includes(route.category)) throw new DakiyaError('ERR_INVALID_REQUEST', `category must be one of ${routeCategories.join(', ')}`, { field: 'category' });
    checkAmount(route.pricePerSegment, true);
    await this.#store.upsertRoute(route);
    this.#changed();
    return route;
  }

  /** Adds credits (or removes them with a negative adjustment); the balance never goes below zero. */
  async addCredits(accountId: string, routeId: string, amount: number, note = ''): Promise<number> {
    await this.getAccount(accountId);
    if (!(await this.#store.listRoutes()).some((r) => r.id === routeId)) throw new DakiyaError('ERR_ROUTE_NOT_FOUND', `Route ${routeId} does not exist.`, { route: routeId });
    checkAmount(amount, false);
    const result = await this.#store.addCredits(accountId, routeId, amount, amount >= 0 ? 'topup' : 'adjust', note, this.#clock.now());
    if (result === 'insufficient') throw new DakiyaError('ERR_INSUFFICIENT_CREDITS', `Removing ${-amount} credits would take route ${routeId} below zero.`);
    this.#changed(accountId);
    return result;
  }

  async balances(accountId: string): Promise<Balance[]> {
    await this.getAccount(accountId);
    return this.#store.getBalances(accountId);
  }

  async listLedger(accountId: string, limit = 100): Promise<LedgerEntry[]> {
    await this.getAccount(accountId);
    return this.#store.listLedger(accountId, Math.min(Math.max(limit, 1), 1000));
  }

  async addSender(accountId: string, raw: string, kind?: SenderKind): Promise<SenderId> {
    await this.getAccount(accountId);
    const sender = normaliseSenderId(raw);
    const resolved = kind ?? inferSenderKind(sender);
    const problem = validateSenderId(sender, resolved);
    if (problem) throw new DakiyaError('ERR_INVALID_REQUEST', problem, { field: 'sender' });
    if ((await this.#store.listSenders(accountId)).some((s) => s.sender === sender)) throw new DakiyaError('ERR_CONFLICT', `Sender ${sender} is already registered.`);
    const record: SenderId = { accountId, sender, kind: resolved, status: 'active', createdAt: this.#clock.now() };
    await this.#store.addSender(record);
    this.#changed(accountId);
    return record;
  }

  async listSenders(accountId: string): Promise<SenderId[]> {
    await this.getAccount(accountId);
    return this.#store.listSenders(accountId);
  }

  async setSenderStatus(accountId: string, sender: string, status: SenderId['status']): Promise<void> {
    if (!(await this.#store.setSenderStatus(accountId, normaliseSenderId(sender), status))) throw new DakiyaError('ERR_NOT_FOUND', `No sender ${sender}.`);
    this.#changed(accountId);
  }

  async addTemplate(accountId: string, input: { templateId: string; sender: string; category: string; text: string; entityId?: string }): Promise<DltTemplate> {
    await this.getAccount(accountId);
    if (!templateIdPattern.test(input.templateId)) throw new DakiyaError('ERR_INVALID_REQUEST', 'template_id: 1-64 of A-Z a-z 0-9 _ . -', { field: 'template_id' });
    if (!messageCategories.includes(input.category as MessageCategory)) {
      throw new DakiyaError('ERR_INVALID_REQUEST', `category must be one of ${messageCategories.join(', ')}`, { field: 'category' });
    }
    const sender = normaliseSenderId(input.sender);
    const registered = (await this.#store.listSenders(accountId)).find((s) => s.sender === sender);
    if (!registered) throw new DakiyaError('ERR_SENDER_NOT_REGISTERED', `Register sender ${sender} before its templates.`, { sender });
    const wanted = templateSenderKind(input.category);
    if (registered.kind !== wanted) {
      throw new DakiyaError('ERR_INVALID_REQUEST', `A ${input.category} template needs a ${wanted === 'numeric-header' ? '6-digit numeric' : '6-letter'} sender; ${sender} is ${registered.kind}.`, { field: 'sender' });
    }
    if (input.text.length === 0 || input.text.length > 2000) throw new DakiyaError('ERR_INVALID_REQUEST', 'text must be 1-2000 characters', { field: 'text' });
    if (input.entityId !== undefined && !isDltEntityId(input.entityId)) {
      throw new DakiyaError('ERR_INVALID_REQUEST', 'entity_id must be the DLT principal entity (PE) id the template is registered under: 1-30 digits', { field: 'entity_id' });
    }
    if (variableCount(parseTemplate(input.text)) > 50) throw new DakiyaError('ERR_INVALID_REQUEST', 'a template may have at most 50 variables', { field: 'text' });
    if ((await this.#store.listTemplates(accountId)).some((t) => t.templateId === input.templateId)) {
      throw new DakiyaError('ERR_CONFLICT', `Template ${input.templateId} is already registered.`);
    }
    const template: DltTemplate = {
      accountId, templateId: input.templateId, sender, category: input.category as MessageCategory, text: input.text,
      status: 'active', createdAt: this.#clock.now(), entityId: input.entityId ?? null,
    };
    await this.#store.addTemplate(template);
    this.#changed(accountId);
    return template;
  }

  async listTemplates(accountId: string): Promise<DltTemplate[]> {
    await this.getAccount(accountId);
    return this.#store.listTemplates(accountId);
  }

  async setTemplateStatus(accountId: string, templateId: string, status: DltTemplate['status']): Promise<void> {
    if (!(await this.#store.setTemplateStatus(accountId, templateId, status))) throw new DakiyaError('ERR_NOT_FOUND', `No template ${templateId}.`);
    this.#changed(accountId);
  }

  /** Normalises every number first; one invalid number fails the whole call and adds nothing. */
  async addDnd(numbers: readonly string[]): Promise<{ added: number }> {
    return { added: await this.#store.addDnd(normaliseAll(numbers), this.#clock.now()) };
  }

  async removeDnd(numbers: readonly string[]): Promise<{ removed: number }> {
    return { removed: await this.#store.removeDnd(normaliseAll(numbers)) };
  }

  #changed(accountId?: string): void {
    this.#profiles.invalidate(accountId);
    this.#auth.invalidate();
  }
}

function normaliseAll(numbers: readonly string[]): string[] {
  return numbers.map((raw, index) => {
    const n = normaliseRecipient(raw, { allowInternational: false });
    if (!n.ok) throw new DakiyaError('ERR_INVALID_MOBILE', `${raw}: ${n.reason}`, { index, number: raw });
    return n.msisdn;
  });
}

function checkAmount(amount: number, nonNegative: boolean): void {
  if (!Number.isSafeInteger(amount) || (nonNegative && amount < 0) || Math.abs(amount) > 1e12) {
    throw new DakiyaError('ERR_INVALID_REQUEST', 'amount must be a whole number of credits', { field: 'amount' });
  }
}
