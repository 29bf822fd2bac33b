import * as net from 'node:net';

/** Resolves when a TCP connection to host:port opens within timeoutMs; rejects otherwise. */
export type TcpConnector = (host: string, port: number, timeoutMs: number, signal?: AbortSignal) => Promise<void>;

export class TcpConnectError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'TcpConnectError';
  }
}

/**
 * Opens and immediately closes a TCP connection: proves the endpoint answers without authenticating
 * or reading any data.
 */
export const connectTcp: TcpConnector = (host, port, timeoutMs, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new TcpConnectError('connection attempt aborted', 'ABORTED'));
      return;
    }
    const socket = net.createConnection({ host, port });
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => finish(new TcpConnectError('connection attempt aborted', 'ABORTED'));
    const timer = setTimeout(() => finish(new TcpConnectError(`no answer within ${timeoutMs} ms`, 'ETIMEDOUT')), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish());
    socket.once('error', (err: NodeJS.ErrnoException) => finish(new TcpConnectError(err.message, err.code ?? 'ERROR')));
  });
