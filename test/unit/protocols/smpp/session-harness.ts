// A session under test on one end of an in-memory connection, and a raw peer on the other that
// reads what the session writes and writes what the test says (hex or PDU objects).
import { EventEmitter, once } from 'node:events';
import {
  type BindKind, encode, type Pdu, type PduInput, PduReader, type SessionOptions, SmppSession,
} from '../../../../src/protocols/smpp/index.ts';
import { duplexPair } from './duplex-pair.ts';
import { fromHex } from './hex.ts';

export class RawPeer extends EventEmitter {
  readonly received: Pdu[] = [];
  readonly invalid: number[] = [];
  #seen = 0;
  readonly socket: ReturnType<typeof duplexPair>[1];

  constructor(socket: ReturnType<typeof duplexPair>[1]) {
    super();
    this.socket = socket;
    const reader = new PduReader({
      onPdu: (pdu) => { this.received.push(pdu); this.emit('pdu'); },
      onInvalid: (_e, h) => this.invalid.push(h.command_id),
      onFatal: (_e, h) => this.invalid.push(h.command_id),
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
  }

  send(pdu: PduInput): void {
    this.socket.write(encode(pdu));
  }

  sendHex(hex: string): void {
    this.socket.write(fromHex(hex));
  }

  /** The next PDU the session wrote that the test has not taken yet (of `command`, skipping others, if given). */
  async next(command?: Pdu['command'], timeoutMs = 2000): Promise<Pdu> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#seen < this.received.length) {
        const pdu = this.received[this.#seen++]!;
        if (command === undefined || pdu.command === command) return pdu;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${command ?? 'PDU'} from the session within ${timeoutMs} ms`);
      await Promise.race([once(this, 'pdu'), new Promise((r) => setTimeout(r, left))]);
    }
  }

  /** Waits for the wire to be quiet for `ms`, then returns how many PDUs were not taken yet. */
  async settle(ms = 30): Promise<number> {
    await new Promise((r) => setTimeout(r, ms));
    return this.received.length - this.#seen;
  }
}

export function harness(options: SessionOptions): { session: SmppSession; peer: RawPeer } {
  const [ours, theirs] = duplexPair();
  const session = new SmppSession(ours, { enquireLinkMs: 0, ...options });
  return { session, peer: new RawPeer(theirs) };
}

/** An ESME session bound as `kind` to the raw peer (which plays the SMSC). */
export async function boundEsme(kind: BindKind, options: Partial<SessionOptions> = {}): Promise<{ session: SmppSession; peer: RawPeer }> {
  const h = harness({ role: 'esme', ...options });
  const bound = h.session.bind(kind, { system_id: 'esme', password: 'pw' });
  const bind = await h.peer.next();
  h.peer.send({ command: `${bind.command}_resp` as 'bind_transceiver_resp', sequence_number: bind.sequence_number, system_id: 'SMSC' });
  await bound;
  return h;
}

/** An SMSC session with the raw peer (playing the ESME) bound as `kind`, every bind accepted. */
export async function boundSmsc(kind: BindKind, options: Partial<SessionOptions> = {}): Promise<{ session: SmppSession; peer: RawPeer }> {
  const h = harness({ role: 'smsc', ...options });
  h.session.on('bind', (_pdu, accept) => accept(0, 'SMSC'));
  h.peer.send({ command: `bind_${kind}`, sequence_number: 1, system_id: 'esme', password: 'pw', interface_version: 0x34 });
  const resp = await h.peer.next();
  if (resp.command_status !== 0) throw new Error('bind refused');
  return h;
}

export function closed(session: SmppSession): Promise<Error | undefined> {
  return new Promise((resolve) => session.once('close', resolve));
}
