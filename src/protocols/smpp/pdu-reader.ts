// The byte-stream side of a session: a state machine fed socket chunks in any split (ws's
// Receiver is the model). It frames PDUs by command_length, decodes each, and hands the session
// a PDU, an invalid-but-framed PDU (which the session answers and reads past), or a fatal
// framing error (a length that cannot be trusted: nothing after it can be framed, §3.2).
// Buffering is bounded: a command_length is checked against the cap as soon as its 4 octets are in.
import { CommandStatus } from './command-status.ts';
import { decodeAt } from './pdu-decode.ts';
import type { Pdu } from './pdu.ts';
import { SmppError } from './smpp-errors.ts';

/** The default cap on command_length: 64 KiB, room for any short message and most message_payloads. */
export const DEFAULT_MAX_COMMAND_LENGTH = 65_536;

/** What the reader knows of a PDU it could not decode; sequence_number is 0 when its header never arrived. */
export interface FrameHeader {
  command_length: number;
  command_id: number;
  command_status: number;
  sequence_number: number;
}

export interface PduReaderHandlers {
  /** A decoded PDU. */
  onPdu(pdu: Pdu): void;
  /** A PDU whose length was valid but whose command_id or body was not; reading goes on. */
  onInvalid(error: SmppError, header: FrameHeader): void;
  /** A command_length below 16 or above the cap; the reader has stopped and ignores further input. */
  onFatal(error: SmppError, header: FrameHeader): void;
}

export class PduReader {
  readonly maxCommandLength: number;
  #handlers: PduReaderHandlers;
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** command_length of the PDU being assembled, once its first 4 octets are in; else 0. */
  #need = 0;
  #stopped = false;

  constructor(handlers: PduReaderHandlers, options: { maxCommandLength?: number } = {}) {
    this.#handlers = handlers;
    this.maxCommandLength = options.maxCommandLength ?? DEFAULT_MAX_COMMAND_LENGTH;
    if (!Number.isInteger(this.maxCommandLength) || this.maxCommandLength < 16) throw new RangeError('maxCommandLength must be an integer ≥ 16');
  }

  /** Octets received but not yet framed into a PDU. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** True after a fatal framing error, or stop(). */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Drops what is buffered and ignores all further input. */
  stop(): void {
    this.#stopped = true;
    this.#chunks = [];
    this.#buffered = 0;
  }

  push(chunk: Buffer): void {
    if (this.#stopped || chunk.length === 0) return;
    if (this.#buffered === 0) {
      // Fast path: whole PDUs straight out of the chunk, no copy.
      let off = 0;
      while (chunk.length - off >= 4) {
        const len = chunk.readUInt32BE(off);
        if (len < 16 || len > this.maxCommandLength) return this.#fatal(len, chunk.subarray(off));
        if (chunk.length - off < len) break;
        this.#frame(chunk, off, len);
        if (this.#stopped) return;
        off += len;
      }
      if (off === chunk.length) return;
      this.#chunks.push(off === 0 ? chunk : chunk.subarray(off));
      this.#buffered = chunk.length - off;
    } else {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    this.#drain();
  }

  #drain(): void {
    while (!this.#stopped) {
      if (this.#need === 0) {
        if (this.#buffered < 4) return;
        const len = this.#peekU32();
        if (len < 16 || len > this.maxCommandLength) return this.#fatal(len, this.#take(Math.min(this.#buffered, 16)));
        this.#need = len;
      }
      if (this.#buffered < this.#need) return;
      const buf = this.#take(this.#need);
      this.#need = 0;
      this.#frame(buf, 0, buf.length);
    }
  }

  #peekU32(): number {
    const first = this.#chunks[0]!;
    if (first.length >= 4) return first.readUInt32BE(0);
    let v = 0;
    let got = 0;
    for (const c of this.#chunks) {
      for (let i = 0; i < c.length && got < 4; i++, got++) v = v * 256 + c[i]!;
      if (got === 4) break;
    }
    return v;
  }

  /** The next n buffered octets as one Buffer: a view when they lie in one chunk, else a copy. */
  #take(n: number): Buffer {
    this.#buffered -= n;
    const first = this.#chunks[0]!;
    if (first.length === n) {
      this.#chunks.shift();
      return first;
    }
    if (first.length > n) {
      this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.#chunks[0]!;
      const want = n - off;
      if (c.length <= want) {
        out.set(c, off);
        off += c.length;
        this.#chunks.shift();
      } else {
        out.set(c.subarray(0, want), off);
        this.#chunks[0] = c.subarray(want);
        off = n;
      }
    }
    return out;
  }

  #frame(buf: Buffer, off: number, len: number): void {
    let pdu: Pdu;
    try {
      pdu = decodeAt(buf, off, len);
    } catch (error) {
      const e = error instanceof SmppError ? error : new SmppError('SMPP_ERR_INVALID_PDU', String(error), { command_status: CommandStatus.ESME_RSYSERR, cause: error });
      this.#handlers.onInvalid(e, {
        command_length: len,
        command_id: buf.readUInt32BE(off + 4),
        command_status: buf.readUInt32BE(off + 8),
        sequence_number: buf.readUInt32BE(off + 12),
      });
      return;
    }
    this.#handlers.onPdu(pdu);
  }

  #fatal(len: number, head: Buffer): void {
    this.stop();
    const error = new SmppError('SMPP_ERR_INVALID_LENGTH',
      `command_length ${len} is outside 16..${this.maxCommandLength}; the stream cannot be framed past it`,
      { command_status: CommandStatus.ESME_RINVCMDLEN });
    this.#handlers.onFatal(error, {
      command_length: len,
      command_id: head.length >= 8 ? head.readUInt32BE(4) : 0,
      command_status: head.length >= 12 ? head.readUInt32BE(8) : 0,
      sequence_number: head.length >= 16 ? head.readUInt32BE(12) : 0,
    });
  }
}
