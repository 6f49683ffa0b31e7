// The SMPP server for customers (SMPP 3.4, smsc role): listens, has each connection bound by the
// bind guard, then serves submit_sm / query_sm / cancel_sm (CustomerSession) on transmitter and
// transceiver binds and sends receipts (ReceiptSender) on receiver and transceiver binds.
// Unbound connections close after bindTimeoutMs, silent ones after inactivityTimeoutMs, and the
// library answers malformed input itself (generic_nack, or a close for unframeable lengths).
import { readFileSync } from 'node:fs';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../domain/clock.ts';
import type { IdGenerator } from '../../domain/ids.ts';
import { createServer, hexTagKey, type SmppSession } from '../../protocols/smpp/index.ts';
import type { ReportService } from '../../services/report-service.ts';
import type { SendService } from '../../services/send-service.ts';
import type { SendingProfileCache } from '../../services/sending-profile-cache.ts';
import type { SmppUserService } from '../../services/smpp-user-service.ts';
import type { Store } from '../../store/store.ts';
import { BindGuard } from './smpp-bind-guard.ts';
import { CustomerSession } from './smpp-customer-session.ts';
import { ReceiptSender } from './smpp-receipt-sender.ts';

export interface SmppServerOptions {
  host: string;
  port: number;
  tls?: { enabled: boolean; certFile?: string | undefined; keyFile?: string | undefined } | undefined;
  maxConnections: number;
  bindTimeoutMs: number;
  inactivityTimeoutMs: number;
  enquireLinkMs: number;
  responseTimeoutMs: number;
  maxPendingPerBind: number;
  defaultAlphabet: 'gsm7' | 'latin1';
  dltTemplateIdTag: number;
  dltPeIdTag: number;
  partTimeoutMs: number;
  maxPartialMessages: number;
  receiptWindow: number;
  receiptPollMs: number;
  receiptClaimMs: number;
}

export interface SmppServerDeps {
  options: SmppServerOptions;
  users: SmppUserService;
  send: SendService;
  reports: ReportService;
  profiles: SendingProfileCache;
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  /** The system_id this server answers binds with. */
  systemId?: string;
  onError?: (error: unknown) => void;
  /** Called for each customer request PDU on a bound session (workers/ingress-pressure.ts counts them). */
  onCustomerRequest?: (() => void) | undefined;
}

export class SmppServer {
  #deps: SmppServerDeps;
  #server: net.Server;
  #guard: BindGuard;
  #sessions = new Set<SmppSession>();
  #senders = new Set<ReceiptSender>();

  constructor(deps: SmppServerDeps) {
    this.#deps = deps;
    const o = deps.options;
    this.#guard = new BindGuard(deps.users, deps.systemId ?? 'DAKIYA');
    let tls: { cert: Buffer; key: Buffer } | undefined;
    if (o.tls?.enabled) {
      if (o.tls.certFile === undefined || o.tls.keyFile === undefined) throw new Error('smpp.tls.enabled needs smpp.tls.certFile and smpp.tls.keyFile');
      tls = { cert: readFileSync(o.tls.certFile), key: readFileSync(o.tls.keyFile) };
    }
    this.#server = createServer({
      tls, maxConnections: o.maxConnections, bindTimeoutMs: o.bindTimeoutMs, inactivityTimeoutMs: o.inactivityTimeoutMs,
      enquireLinkMs: o.enquireLinkMs, responseTimeoutMs: o.responseTimeoutMs, window: o.receiptWindow,
    }, (session, socket) => this.#onSession(session, socket));
    // A TLS handshake that fails (a plain-TCP client, garbage) is that connection's problem only.
    this.#server.on('tlsClientError', () => {});
  }

  async listen(): Promise<number> {
    const { host, port } = this.#deps.options;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    return this.port;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Connections open now (bound or not). */
  get connections(): number {
    return this.#sessions.size;
  }

  /** Receipts may have been written: bound receivers look at once. */
  wake(): void {
    for (const s of this.#senders) s.wake();
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await Promise.all([...this.#senders].map((s) => s.stop()));
    await Promise.all([...this.#sessions].map((s) => s.unbind().catch(() => {})));
    for (const s of this.#sessions) s.destroy();
    await closed;
  }

  #onSession(session: SmppSession, socket: net.Socket): void {
    const d = this.#deps;
    const o = d.options;
    this.#sessions.add(session);
    const ip = socket.remoteAddress ?? '';
    let customer: CustomerSession | undefined;
    let sender: ReceiptSender | undefined;
    let release: (() => void) | undefined;
    let closed = false;
    session.on('error', () => {});
    session.on('bind', (pdu, accept) => {
      void this.#guard.decide(pdu, accept, ip, () => !closed).then((user) => {
        if (!user) return;
        release = () => this.#guard.release(user);
        const kind = session.bindKind;
        if (kind === 'transmitter' || kind === 'transceiver') {
          customer = new CustomerSession(session, user, {
            send: d.send, reports: d.reports, profiles: d.profiles, clock: d.clock, ids: d.ids, store: d.store,
            submit: { defaultAlphabet: o.defaultAlphabet, templateIdKey: hexTagKey(o.dltTemplateIdTag), entityIdKey: hexTagKey(o.dltPeIdTag) },
            maxPending: o.maxPendingPerBind, maxPartialMessages: o.maxPartialMessages, partTimeoutMs: o.partTimeoutMs,
            ...(d.onCustomerRequest && { onRequest: d.onCustomerRequest }),
          });
          session.on('request', customer.onRequest);
        }
        if (kind === 'receiver' || kind === 'transceiver') {
          sender = new ReceiptSender(session, user.systemId, {
            store: d.store, clock: d.clock, onError: d.onError ?? (() => {}),
            options: { batch: o.receiptWindow * 10, pollMs: o.receiptPollMs, claimMs: o.receiptClaimMs },
          });
          this.#senders.add(sender);
          sender.start();
        }
      });
    });
    session.once('close', () => {
      closed = true;
      this.#sessions.delete(session);
      release?.();
      customer?.close();
      if (sender) {
        this.#senders.delete(sender);
        void sender.stop();
      }
    });
  }
}
