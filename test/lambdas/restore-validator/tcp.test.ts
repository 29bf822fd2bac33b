import * as net from 'node:net';
import { TcpConnectError, connectTcp } from '../../../lambdas/restore-validator/tcp';

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

test('connects to a listening local server, then closes the connection without sending anything', async () => {
  const received: Buffer[] = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.on('data', (d) => received.push(d));
  });
  const port = await listen(server);
  try {
    await expect(connectTcp('127.0.0.1', port, 2000)).resolves.toBeUndefined();
    await new Promise((r) => setTimeout(r, 20));
    expect(connections).toBe(1);
    expect(received).toEqual([]);
  } finally {
    await close(server);
  }
});

test('a closed port is reported with the socket error code', async () => {
  const server = net.createServer();
  const port = await listen(server);
  await close(server);
  const error = await connectTcp('127.0.0.1', port, 2000).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TcpConnectError);
  expect(error).toMatchObject({ code: 'ECONNREFUSED' });
});

test('an aborted signal stops the attempt', async () => {
  const controller = new AbortController();
  controller.abort();
  await expect(connectTcp('127.0.0.1', 9, 2000, controller.signal)).rejects.toMatchObject({ code: 'ABORTED' });
});
