// Time and randomness are injected so expiry, schedules and windows are tested without waiting.
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
