// Admits at most N requests of a kind at once; the rest wait in line (before their bodies are read,
// so waiting costs no memory). Bounds the working set of large bulk requests under the heap cap:
// the server holds one gate for every dialect's large requests (HttpContext.admitBulk).
import type { FastifyReply, FastifyRequest } from 'fastify';
export class ConcurrencyGate {
  #free: number;
  #waiting: Array<() => void> = [];

  constructor(slots: number) {
    this.#free = slots;
  }

  /** Resolves with a release function once a slot is free; calling release twice frees one slot. */
  async acquire(): Promise<() => void> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    };
  }

  get waiting(): number {
    return this.#waiting.length;
  }
}

/**
 * An onRequest hook: a request `isLarge` says is large waits for a slot of `gate` before its body is
 * read, and holds it until its answer is sent or its connection closes.
 */
export function admitThrough(gate: ConcurrencyGate, isLarge: (request: FastifyRequest) => boolean = () => true) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!isLarge(request)) return;
    const release = await gate.acquire();
    reply.raw.once('finish', release).once('close', release);
  };
}

/** Whether a request's body is over `bytes`, or of a length not known before it is read (chunked). */
export function bodyOver(bytes: number): (request: FastifyRequest) => boolean {
  return (request) => {
    const length = request.headers['content-length'];
    return length === undefined ? request.headers['transfer-encoding'] !== undefined : !(Number(length) <= bytes);
  };
}
