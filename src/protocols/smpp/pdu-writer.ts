// The mirror of PduReader: encodes PDUs into a reusable slab and hands the socket one write per
// tick, however many PDUs were written in it (a window of responses costs one syscall, not N);
// the session also flushes after each received chunk.
// It honours backpressure: after socket.write() returns false, `blocked` stays true until 'drain',
// and the session holds back new requests meanwhile (responses still go out: the peer's window
// bounds them).
import { encodedLength, encodeInto } from './pdu-encode.ts';
import type { PduInput } from './pdu.ts';

export interface WritableSocket {
  write(chunk: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
  readonly destroyed?: boolean;
}

/** Slab size: small enough to stay in cache, large enough for a tick's worth of typical PDUs. */
const SLAB = 16 * 1024;

export class PduWriter {
  #socket: WritableSocket;
  #slab = Buffer.allocUnsafeSlow(SLAB);
  /** Start of the octets encoded but not yet handed to the socket. */
  #start = 0;
  #pos = 0;
  #scheduled: NodeJS.Immediate | undefined;
  #blocked = false;
  #onDrain: () => void;

  /** `onDrain` runs when a blocked socket has drained. */
  constructor(socket: WritableSocket, onDrain: () => void = () => {}) {
    this.#socket = socket;
    this.#onDrain = onDrain;
  }

  /** True while the socket's buffer is over its high-water mark (write() returned false, no 'drain' yet). */
  get blocked(): boolean {
    return this.#blocked;
  }

  /**
   * Encodes `pdu` now (a field that cannot be encoded throws SmppError SMPP_ERR_INVALID_FIELD and
   * nothing is written) and sends it with the rest of this tick's PDUs. `sequence_number`, when
   * given, replaces the PDU's own, so a caller's object need not be copied or changed.
   */
  write(pdu: PduInput, sequence_number?: number): void {
    const length = encodedLength(pdu);
    if (length > this.#slab.length - this.#pos) {
      this.flush();
      this.#slab = Buffer.allocUnsafeSlow(Math.max(SLAB, length));
      this.#start = this.#pos = 0;
    }
    encodeInto(pdu, this.#slab, this.#pos, length);
    if (sequence_number !== undefined) this.#slab.writeUInt32BE(sequence_number, this.#pos + 12);
    this.#pos += length;
    this.#scheduled ??= setImmediate(() => this.flush());
  }

  /** Hands what is pending to the socket now. */
  flush(): void {
    if (this.#scheduled !== undefined) {
      clearImmediate(this.#scheduled);
      this.#scheduled = undefined;
    }
    if (this.#pos === this.#start) return;
    // The socket keeps this view until it is written; the slab's later octets are fresh space.
    const chunk = this.#slab.subarray(this.#start, this.#pos);
    this.#start = this.#pos;
    if (this.#socket.destroyed === true) return;
    if (!this.#socket.write(chunk) && !this.#blocked) {
      this.#blocked = true;
      this.#socket.once('drain', () => {
        this.#blocked = false;
        this.#onDrain();
      });
    }
  }

  /** Drops anything pending (the session is closing without a flush). */
  discard(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    this.#start = this.#pos;
  }
}
