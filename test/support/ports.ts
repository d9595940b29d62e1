import { createServer } from "node:net";

/** A TCP port on 127.0.0.1 that was free a moment ago (for servers that need it known in advance). */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
