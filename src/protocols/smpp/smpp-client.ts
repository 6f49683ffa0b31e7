// The ESME's way in: open a TCP or TLS connection to an SMSC and wrap it in a session (not yet
// bound: call session.bind()).
import net from 'node:net';
import tls from 'node:tls';
import { SmppError } from './smpp-errors.ts';
import { SmppSession, type SessionOptions } from './smpp-session.ts';

export interface ConnectOptions extends Omit<SessionOptions, 'role'> {
  host: string;
  port: number;
  /** true for TLS with Node's defaults, or tls.connect options (servername, ca, rejectUnauthorized, …). */
  tls?: boolean | tls.ConnectionOptions | undefined;
  /** Give up on the TCP (and TLS) handshake after this long (default 10 000). */
  connectTimeoutMs?: number | undefined;
  /** Defaults to 'esme'. */
  role?: SessionOptions['role'] | undefined;
}

/** Resolves with an open session once connected; rejects with the socket's error or SmppError SMPP_ERR_CONNECT_TIMEOUT. */
export function connect(options: ConnectOptions): Promise<SmppSession> {
  const { host, port, tls: tlsOption, connectTimeoutMs = 10_000, role = 'esme', ...sessionOptions } = options;
  return new Promise((resolve, reject) => {
    const secure = tlsOption !== undefined && tlsOption !== false;
    const tlsOptions = typeof tlsOption === 'object' ? tlsOption : {};
    const socket: net.Socket = secure
      ? tls.connect({ ...(net.isIP(host) === 0 && { servername: host }), ...tlsOptions, host, port })
      : net.connect({ host, port });
    const ready = secure ? 'secureConnect' : 'connect';
    const timer = setTimeout(() => fail(new SmppError('SMPP_ERR_CONNECT_TIMEOUT', `no connection to ${host}:${port} within ${connectTimeoutMs} ms`)), connectTimeoutMs);
    function fail(error: Error): void {
      clearTimeout(timer);
      socket.removeListener(ready, onReady);
      socket.destroy();
      reject(error);
    }
    function onReady(): void {
      clearTimeout(timer);
      socket.removeListener('error', fail);
      resolve(new SmppSession(socket, { ...sessionOptions, role }));
    }
    socket.once('error', fail);
    socket.once(ready, onReady);
  });
}
