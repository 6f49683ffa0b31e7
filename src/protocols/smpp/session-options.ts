// What an application may set on a session (SessionOptions), and its validation: each option is
// checked and defaulted once, when the session is made, into the SessionSettings it runs on.
import type { Role } from './bind-states.ts';

export interface SessionOptions {
  role: Role;
  /** Max requests we sent that await a response (default 10); more wait in a queue. */
  window?: number | undefined;
  /** Per request, including bind, unbind and enquire_link (default 10 000). */
  responseTimeoutMs?: number | undefined;
  /** While bound, send enquire_link after this long without receiving a PDU (0 = off; default 30 000); no answer closes the session. */
  enquireLinkMs?: number | undefined;
  /** Our requests per second (a token bucket holding a tenth of a second's worth); 0 or unset = unlimited. */
  maxTps?: number | undefined;
  /** Cap on a received PDU's command_length (default 65 536). */
  maxCommandLength?: number | undefined;
  /** smsc role: close a connection not bound within this (default 10 000; 0 = off). */
  bindTimeoutMs?: number | undefined;
  /** Close after this long without receiving any PDU (0 = off, the default). */
  inactivityTimeoutMs?: number | undefined;
  /** Shows up in diagnostics messages (as session.name). */
  name?: string | undefined;
}

/** The numeric options, validated, with their defaults filled in (maxCommandLength is PduReader's to check). */
export interface SessionSettings {
  window: number;
  responseTimeoutMs: number;
  enquireLinkMs: number;
  inactivityTimeoutMs: number;
  maxTps: number;
  bindTimeoutMs: number;
}

/** Throws RangeError naming the first option out of range. */
export function sessionSettings(options: SessionOptions): SessionSettings {
  return {
    window: positive('window', options.window ?? 10),
    responseTimeoutMs: positive('responseTimeoutMs', options.responseTimeoutMs ?? 10_000),
    enquireLinkMs: nonNegative('enquireLinkMs', options.enquireLinkMs ?? 30_000),
    inactivityTimeoutMs: nonNegative('inactivityTimeoutMs', options.inactivityTimeoutMs ?? 0),
    maxTps: nonNegative('maxTps', options.maxTps ?? 0),
    bindTimeoutMs: nonNegative('bindTimeoutMs', options.bindTimeoutMs ?? 10_000),
  };
}

function positive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${name} must be a number > 0, got ${v}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`${name} must be a number ≥ 0, got ${v}`);
  return v;
}
