import { connect, createServer, type Socket } from "node:net";

/**
 * A real TCP hop between a client and Redis that a test can cut (the network drops, Redis keeps
 * running with its data) or stall (packets stop flowing, nothing closes: a "slow" Redis).
 */
export interface TcpProxy {
  url: string;
  cut(): void;
  stall(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let mode: "open" | "cut" | "stall" = "open";
  const pairs = new Set<[Socket, Socket]>();
  // A stalled hop stops reading: bytes wait in the kernel, and flow again in order after heal().
  const pause = () => {
    for (const pair of pairs) for (const socket of pair) socket.pause();
  };
  const server = createServer((client) => {
    if (mode === "cut") {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    if (mode === "stall") pause();
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    cut() {
      mode = "cut";
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
    },
    stall() {
      mode = "stall";
      pause();
    },
    heal() {
      mode = "open";
      for (const pair of pairs) for (const socket of pair) socket.resume();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [client, upstream] of pairs) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
