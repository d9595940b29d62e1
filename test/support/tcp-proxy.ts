import { createConnection, createServer, type Socket } from "node:net";

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, which the test can cut or stall. Blocked, live
 * connections are reset and new ones are dropped at once, as when a database host goes away. Stalled,
 * nothing is forwarded either way and connections stay open, new ones included (accepted, then
 * silent), as when a server hangs or a network drops packets without a reset.
 */
export class TcpProxy {
  private blocked = false;
  private stalled = false;
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((client) => {
    if (this.blocked) return void client.destroy();
    const upstream = createConnection(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("close", () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
    // After pipe(), which would resume them: a connection made while stalled is accepted, then silent.
    if (this.stalled) for (const socket of [client, upstream]) socket.pause();
  });

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  block(): void {
    this.blocked = true;
    for (const socket of this.sockets) socket.destroy();
  }

  unblock(): void {
    this.blocked = false;
  }

  stall(): void {
    this.stalled = true;
    for (const socket of this.sockets) socket.pause();
  }

  resume(): void {
    this.stalled = false;
    for (const socket of this.sockets) socket.resume();
  }

  async close(): Promise<void> {
    this.block();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
