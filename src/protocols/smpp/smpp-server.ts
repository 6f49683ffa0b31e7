// The SMSC's way in: a TCP or TLS server that wraps each connection in an smsc-role session and
// hands it to the application, which answers its 'bind' and 'request' events.
import type { Socket } from 'node:net';
import net from 'node:net';
import tls from 'node:tls';
import { SmppSession, type SessionOptions } from './smpp-session.ts';

export interface ServerOptions extends Omit<SessionOptions, 'role'> {
  /** TLS server options (key, cert, …); plain TCP without. */
  tls?: tls.TlsOptions | undefined;
  /** Connections beyond this are closed at once (net.Server#maxConnections). */
  maxConnections?: number | undefined;
}

/** A server, not yet listening: call listen() on it. Each connection becomes an smsc-role session. */
export function createServer(options: ServerOptions, onSession: (session: SmppSession, socket: Socket) => void): net.Server | tls.Server {
  const { tls: tlsOptions, maxConnections, ...sessionOptions } = options;
  const accept = (socket: Socket): void => {
    onSession(new SmppSession(socket, { ...sessionOptions, role: 'smsc' }), socket);
  };
  const server = tlsOptions === undefined ? net.createServer(accept) : tls.createServer(tlsOptions, accept);
  if (maxConnections !== undefined) server.maxConnections = maxConnections;
  return server;
}
