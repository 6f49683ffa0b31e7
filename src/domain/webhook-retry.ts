// What one delivery attempt's answer means for the delivery and its endpoint (Standard Webhooks'
// recommendations, made stricter): 2xx = delivered; anything else, redirects included (never
// followed), is a failure retried on a fixed schedule with jitter that spans more than 72 hours;
// 410 Gone disables the endpoint; 429 with Retry-After waits as asked without using up the
// schedule, within an overall age limit.

const s = 1000;
const m = 60 * s;
const h = 60 * m;

/** Waits before retries 1, 2, …: 5 s … 12 h; 15 attempts in all over 75.7 hours (more with jitter). */
export const retrySchedule: readonly number[] = [5 * s, 30 * s, 2 * m, 10 * m, 30 * m, 1 * h, 2 * h, 4 * h, 8 * h, 12 * h, 12 * h, 12 * h, 12 * h, 12 * h];
/** Jitter only lengthens a wait (by up to this fraction), so the schedule's span is a lower bound. */
export const retryJitter = 0.25;
/** A delivery older than this is given up at its next failure, whatever Retry-After said. */
export const maxDeliveryAgeMs = 96 * h;
/** A Retry-After is honoured within these bounds. */
export const minRetryAfterMs = 1 * s;
export const maxRetryAfterMs = 24 * h;

export interface AttemptAnswer {
  /** HTTP status, null when none arrived (timeout, refused, blocked …). */
  status: number | null;
  retryAfterSeconds?: number;
}

export type AttemptDecision =
  | { state: 'delivered' }
  | { state: 'pending'; nextAt: number; step: number }
  | { state: 'failed'; reason: string };

export interface AttemptContext {
  /** The delivery's position in the schedule (retries used). */
  step: number;
  /** When the delivery was created. */
  createdAt: number;
  now: number;
  /** [0, 1) */
  random: number;
}

export function decideAttempt(answer: AttemptAnswer, ctx: AttemptContext): AttemptDecision & { disableEndpoint?: string } {
  const { status } = answer;
  if (status !== null && status >= 200 && status < 300) return { state: 'delivered' };
  if (status === 410) return { state: 'failed', reason: 'the endpoint answered 410 Gone', disableEndpoint: 'answered 410 Gone' };
  const tooOld = ctx.now - ctx.createdAt >= maxDeliveryAgeMs;
  if (status === 429 && answer.retryAfterSeconds !== undefined && !tooOld) {
    const wait = Math.min(maxRetryAfterMs, Math.max(minRetryAfterMs, answer.retryAfterSeconds * 1000));
    return { state: 'pending', nextAt: ctx.now + wait, step: ctx.step };
  }
  const wait = retrySchedule[ctx.step];
  if (wait === undefined || tooOld) return { state: 'failed', reason: `gave up after the retry schedule (${ctx.step + 1} scheduled attempts)` };
  return { state: 'pending', nextAt: ctx.now + Math.round(wait * (1 + retryJitter * ctx.random)), step: ctx.step + 1 };
}
