// Two in-memory stream ends joined like a TCP connection (Node 20 has no stream.duplexPair):
// what one writes the other reads; ending or destroying one ends the other.
import { Duplex } from 'node:stream';

class End extends Duplex {
  other!: End;
  writes = 0;
  constructor() {
    super({ allowHalfOpen: false });
  }
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (error?: Error | null) => void): void {
    this.writes++;
    this.other.push(chunk);
    cb();
  }
  override _final(cb: (error?: Error | null) => void): void {
    this.other.push(null);
    cb();
  }
  override _destroy(error: Error | null, cb: (error?: Error | null) => void): void {
    if (!this.other.destroyed) this.other.destroy();
    cb(error);
  }
}

export function duplexPair(): [End, End] {
  const a = new End();
  const b = new End();
  a.other = b;
  b.other = a;
  return [a, b];
}
