import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a loopback service, which a test can
 * cut and restore to play a database outage without touching the database.
 */
export class TcpProxy {
  readonly targetPort: number;
  readonly targetHost: string;
  port = 0;
  /** While true, open connections stay up but no byte crosses the proxy. */
  stalled = false;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(targetHost: string, targetPort: number) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  /** Starts listening, on the previous port when restarted. */
  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      // Data is forwarded by hand, so that `stall` can swallow it like a dead network path.
      client.on('data', (chunk: Buffer) => {
        if (!this.stalled) upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => {
        if (!this.stalled) client.write(chunk);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolvePromise, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolvePromise());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
    this.#server = server;
  }

  /** Drops every open connection and refuses new ones. */
  async cut(): Promise<void> {
    this.stalled = false;
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
  }
}
