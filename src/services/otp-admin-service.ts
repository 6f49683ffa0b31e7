// The operator's side of OTP: an account's OTP channels (seed 002 `channel_id`: template, sender,
// length, expiry, attempts) and its policy (allowed countries, daily budget). Shared by the
// admin API and the CLI.
import type { Clock } from '../domain/clock.ts';
import { DakiyaError } from '../domain/errors.ts';
import { otpBounds, type OtpChannelDefinition, type OtpPolicy } from '../domain/otp.ts';
import { isKnownCountry } from '../domain/recipient.ts';
import { normaliseSenderId } from '../domain/sender-id.ts';
import type { Store } from '../store/store.ts';
import { bounded, codeSlot } from './otp-service.ts';

export interface OtpChannelInput {
  channelId: string;
  templateId: string;
  sender: string;
  route?: string | null;
  length?: number;
  expirySeconds?: number;
  maxAttempts?: number;
}

export interface OtpPolicyInput {
  allowedCountries?: string[];
  dailyBudget?: number;
}

/** What a channel or policy that says nothing gets (config `otp.*`). */
export interface OtpDefaults {
  length: number;
  expirySeconds: number;
  maxAttempts: number;
  allowedCountries: string[];
  dailyBudget: number;
}

export class OtpAdminService {
  #store: Store;
  #clock: Clock;
  #defaults: OtpDefaults;

  constructor(deps: { store: Store; clock: Clock; defaults: OtpDefaults }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#defaults = deps.defaults;
  }

  /** Defines (or redefines) an OTP channel; its template must be an active OTP template of the account, for its sender, with a place for the code. */
  async saveChannel(accountId: string, input: OtpChannelInput): Promise<OtpChannelDefinition> {
    const profile = await this.#account(accountId);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(input.channelId)) throw new DakiyaError('ERR_INVALID_REQUEST', 'channel_id must be 1-64 letters, digits, _ or -', { field: 'channel_id' });
    const sender = normaliseSenderId(input.sender);
    if (!profile.senders.some((s) => s.sender === sender)) throw new DakiyaError('ERR_SENDER_NOT_REGISTERED', `Sender ID ${sender} is not registered for this account.`, { sender });
    const template = profile.templates.find((t) => t.templateId === input.templateId);
    if (!template) throw new DakiyaError('ERR_TEMPLATE_NOT_FOUND', `Template ID ${input.templateId} does not exist for this account.`, { template_id: input.templateId });
    if (template.category !== 'otp' || template.sender !== sender) {
      throw new DakiyaError('ERR_TEMPLATE_CATEGORY_MISMATCH', `Template ${template.templateId} must be an OTP template of sender ${sender}.`, { template_id: template.templateId });
    }
    if (codeSlot(template.text) === undefined) throw new DakiyaError('ERR_OTP_TEMPLATE_INVALID', undefined, { template_id: template.templateId });
    const definition: OtpChannelDefinition = {
      accountId, channelId: input.channelId, templateId: template.templateId, sender, route: input.route ?? null,
      length: bounded('length', input.length ?? this.#defaults.length, otpBounds.minLength, otpBounds.maxLength),
      expirySeconds: bounded('expiry_seconds', input.expirySeconds ?? this.#defaults.expirySeconds, otpBounds.minExpirySeconds, otpBounds.maxExpirySeconds),
      maxAttempts: bounded('max_attempts', input.maxAttempts ?? this.#defaults.maxAttempts, otpBounds.minAttempts, otpBounds.maxAttempts),
      createdAt: this.#clock.now(),
    };
    await this.#store.saveOtpChannel(definition);
    return definition;
  }

  async listChannels(accountId: string): Promise<OtpChannelDefinition[]> {
    await this.#account(accountId);
    return this.#store.listOtpChannels(accountId);
  }

  async removeChannel(accountId: string, channelId: string): Promise<void> {
    await this.#account(accountId);
    if (!(await this.#store.removeOtpChannel(accountId, channelId))) throw new DakiyaError('ERR_NOT_FOUND', `No OTP channel ${channelId} for this account.`);
  }

  async policy(accountId: string): Promise<OtpPolicy> {
    await this.#account(accountId);
    return await this.#store.getOtpPolicy(accountId)
      ?? { accountId, allowedCountries: this.#defaults.allowedCountries, dailyBudget: this.#defaults.dailyBudget, updatedAt: 0 };
  }

  async setPolicy(accountId: string, input: OtpPolicyInput): Promise<OtpPolicy> {
    const current = await this.policy(accountId);
    const countries = input.allowedCountries ?? current.allowedCountries;
    for (const c of countries) {
      if (!isKnownCountry(c)) throw new DakiyaError('ERR_INVALID_REQUEST', `allowed_countries: ${c} is not an ISO 3166-1 alpha-2 country code Dakiya knows`, { field: 'allowed_countries' });
    }
    const dailyBudget = input.dailyBudget ?? current.dailyBudget;
    if (!Number.isInteger(dailyBudget) || dailyBudget < 0) throw new DakiyaError('ERR_INVALID_REQUEST', 'daily_budget must be a whole number, 0 for none', { field: 'daily_budget' });
    const policy: OtpPolicy = { accountId, allowedCountries: [...new Set(countries)].sort(), dailyBudget, updatedAt: this.#clock.now() };
    await this.#store.saveOtpPolicy(policy);
    return policy;
  }

  async #account(accountId: string) {
    const profile = await this.#store.loadSendingProfile(accountId);
    if (!profile) throw new DakiyaError('ERR_NOT_FOUND', `No account ${accountId}.`);
    return profile;
  }
}

