// The simulator's error injection: rules matched against each submission, first match wins.
// A rule's `every` and `probability` gate it; a gated-out rule lets the next one try.
import { CommandStatus } from '../protocols/smpp/index.ts';

export type SimulatorAction =
  | 'throttle' | 'queue_full' | 'reject' | 'no_response' | 'slow'
  | 'fail_receipt' | 'expire_receipt' | 'reject_receipt' | 'no_receipt';

export interface SimulatorRule {
  match?: {
    /** A prefix of destination_addr, or a regular expression: a RegExp, or a string written '/…/flags'. */
    destination?: string | RegExp;
    /** A substring of the message text (GSM-7, latin1 or UCS-2 as data_coding says; UDH skipped). */
    textContains?: string;
    /** Only submissions from this system_id. */
    systemId?: string;
  };
  action: SimulatorAction;
  /** The response status for throttle / queue_full / reject (defaults ESME_RTHROTTLED, ESME_RMSGQFUL, ESME_RSUBMITFAIL); the err for receipt actions. */
  status?: number;
  /** slow: how long the response waits (default 1000); receipt actions: the receipt delay (default receiptDelayMs). */
  delayMs?: number;
  /** Apply to every Nth matching submission only (the Nth, 2Nth, …). */
  every?: number;
  /** Apply with this probability, 0..1. */
  probability?: number;
}

export interface RuleSubject {
  systemId: string;
  destination: string;
  /** Computed only when some rule matches on text. */
  text: () => string;
}

interface CompiledRule {
  rule: SimulatorRule;
  destination: ((d: string) => boolean) | undefined;
  seen: number;
}

export const DEFAULT_STATUS: Partial<Record<SimulatorAction, number>> = {
  throttle: CommandStatus.ESME_RTHROTTLED,
  queue_full: CommandStatus.ESME_RMSGQFUL,
  reject: CommandStatus.ESME_RSUBMITFAIL,
};

const ACTIONS: ReadonlySet<string> = new Set(['throttle', 'queue_full', 'reject', 'no_response', 'slow', 'fail_receipt', 'expire_receipt', 'reject_receipt', 'no_receipt']);

function destinationMatcher(d: string | RegExp | undefined): ((d: string) => boolean) | undefined {
  if (d === undefined) return undefined;
  if (d instanceof RegExp) return (s) => d.test(s);
  const m = /^\/(.*)\/([a-z]*)$/.exec(d);
  if (m !== null) {
    const re = new RegExp(m[1]!, m[2]!.replace('g', ''));
    return (s) => re.test(s);
  }
  return (s) => s.startsWith(d);
}

export class SimulatorRules {
  #rules: CompiledRule[];
  #random: () => number;

  constructor(rules: readonly SimulatorRule[], random: () => number = Math.random) {
    this.#random = random;
    this.#rules = rules.map((rule, i) => {
      if (!ACTIONS.has(rule.action)) throw new Error(`rules[${i}].action '${String(rule.action)}' is not one of ${[...ACTIONS].join(', ')}`);
      if (rule.every !== undefined && !(Number.isInteger(rule.every) && rule.every >= 1)) throw new Error(`rules[${i}].every must be an integer ≥ 1`);
      if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) throw new Error(`rules[${i}].probability must be from 0 to 1`);
      return { rule, destination: destinationMatcher(rule.match?.destination), seen: 0 };
    });
  }

  get empty(): boolean {
    return this.#rules.length === 0;
  }

  /** The rule that applies to this submission, if any. */
  pick(subject: RuleSubject): SimulatorRule | undefined {
    let text: string | undefined;
    for (const c of this.#rules) {
      const m = c.rule.match;
      if (m?.systemId !== undefined && m.systemId !== subject.systemId) continue;
      if (c.destination !== undefined && !c.destination(subject.destination)) continue;
      if (m?.textContains !== undefined && !(text ??= subject.text()).includes(m.textContains)) continue;
      c.seen++;
      if (c.rule.every !== undefined && c.seen % c.rule.every !== 0) continue;
      if (c.rule.probability !== undefined && this.#random() >= c.rule.probability) continue;
      return c.rule;
    }
    return undefined;
  }
}
