import { connect } from "node:net";
import { join } from "node:path";
import { requireRedisServer } from "./find-binaries.ts";
import { type LocalServer, startLocalServer } from "./local-server.ts";

/** One PING over a fresh socket: true only on +PONG. */
export function redisAnswersPing(port: number, host = "127.0.0.1", timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let reply = "";
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("utf8");
      if (reply.includes("\r\n")) finish(reply.startsWith("+PONG"));
    });
  });
}

/** redis-server on a free loopback port, nothing persisted. */
export async function startLocalRedis(options: { timeoutMs?: number } = {}): Promise<LocalServer> {
  const binary = await requireRedisServer();
  return startLocalServer({
    name: "redis",
    binary,
    args: (port, dir) => [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--pidfile",
      join(dir, "redis.pid"),
      "--daemonize",
      "no",
    ],
    answers: (port) => redisAnswersPing(port),
    url: (port) => `redis://127.0.0.1:${port}`,
    pidFile: (dir) => ({ pidFile: join(dir, "redis.pid"), signal: "KILL" }),
    politeStop: "SIGTERM",
    transientFailure: /address already in use/i,
    timeoutMs: options.timeoutMs,
  });
}
