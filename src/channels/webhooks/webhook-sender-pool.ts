// The keep-alive pool behind WebhookSender: an undici Agent whose new sockets go only to addresses
// the URL guard checked (its lookup answers from PinnedAddresses, never from DNS), and whose
// clients note the address their socket reached, so each attempt can name where it was sent.
import type { LookupFunction } from 'node:net';
import { Agent, Client, Pool, type buildConnector, type Dispatcher } from 'undici';
import { pinnedLookup } from '../../services/guarded-http-post.ts';
import type { ResolvedAddress } from '../../services/url-guard.ts';

/**
 * Host name → the addresses of its latest successful guard check. One entry per webhook host,
 * dropped when a later check finds the name pointing somewhere forbidden.
 */
export class PinnedAddresses {
  readonly #byHost = new Map<string, readonly ResolvedAddress[]>();

  pin(hostname: string, addresses: readonly ResolvedAddress[]): void {
    this.#byHost.set(hostname, addresses);
  }

  unpin(hostname: string): void {
    this.#byHost.delete(hostname);
  }

  /**
   * net.connect's lookup. net asks only for names (an IP-literal host is connected as is), and
   * with autoSelectFamily (Node 20's default) asks for all addresses at once.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) =>
    pinnedLookup(this.#byHost.get(hostname) ?? [])(hostname, options, callback);
}

/**
 * Which client each dispatch landed on, keyed by its options object (undici hands that object
 * unchanged from Agent to Pool to Client). A client has one socket at a time, so when the request
 * starts, the client's socket is the one it is written to.
 */
const landedOn = new WeakMap<Dispatcher.DispatchOptions, PinnedClient>();

/** The remote address of the socket a started dispatch was written to; undefined before that. */
export function remoteAddressOf(options: Dispatcher.DispatchOptions): string | undefined {
  return landedOn.get(options)?.remoteAddress;
}

class PinnedClient extends Client {
  readonly #socket: { remoteAddress?: string | undefined };

  constructor(origin: URL, options: Client.Options) {
    // Pool always hands its clients a connector function (built from the Agent's connect options).
    const connect = options.connect as buildConnector.connector;
    const socket: { remoteAddress?: string | undefined } = {};
    super(origin, {
      ...options,
      connect: (connectOptions, callback) => connect(connectOptions, (...result) => {
        socket.remoteAddress = result[1]?.remoteAddress;
        callback(...result);
      }),
    });
    this.#socket = socket;
  }

  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    landedOn.set(options, this);
    return super.dispatch(options, handler);
  }
}

export interface PinnedAgentOptions {
  readonly pins: PinnedAddresses;
  readonly connectionsPerOrigin: number;
  readonly pipelining: number;
  readonly connectTimeoutMs: number;
}

export function createPinnedAgent(options: PinnedAgentOptions): Agent {
  return new Agent({
    connections: options.connectionsPerOrigin,
    pipelining: options.pipelining,
    connect: { lookup: options.pins.lookup, timeout: options.connectTimeoutMs },
    factory: (origin, poolOptions) => new Pool(origin, {
      ...(poolOptions as Pool.Options),
      factory: (clientOrigin, clientOptions) => new PinnedClient(clientOrigin, clientOptions as Client.Options),
    }),
  });
}
