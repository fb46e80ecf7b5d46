import { existsSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";

type Endpoint = { socketPath: string } | { host: string; port: number };

function candidateEndpoints(): Endpoint[] {
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost) {
    if (dockerHost.startsWith("unix://")) return [{ socketPath: dockerHost.slice("unix://".length) }];
    const tcp = /^tcp:\/\/([^:/]+):(\d+)/.exec(dockerHost);
    return tcp ? [{ host: tcp[1]!, port: Number(tcp[2]) }] : [];
  }
  const sockets = [
    "/var/run/docker.sock",
    process.env.XDG_RUNTIME_DIR && join(process.env.XDG_RUNTIME_DIR, "docker.sock"),
    join(homedir(), ".docker", "run", "docker.sock"),
    join(homedir(), ".docker", "desktop", "docker.sock"),
  ];
  return sockets
    .filter((path): path is string => !!path && existsSync(path))
    .map((socketPath) => ({ socketPath }));
}

/** A unix socket must answer GET /_ping; a TCP engine (maybe TLS) must accept a connection. */
function answers(endpoint: Endpoint, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if ("host" in endpoint) {
      const socket = connect(endpoint);
      socket.setTimeout(timeoutMs, () => socket.destroy());
      socket.once("connect", () => resolve(true));
      socket.once("close", () => resolve(false));
      socket.once("error", () => resolve(false));
      return;
    }
    const ping = request(
      { socketPath: endpoint.socketPath, path: "/_ping", timeout: timeoutMs },
      (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      },
    );
    ping.once("timeout", () => ping.destroy());
    ping.once("error", () => resolve(false));
    ping.end();
  });
}

let answer: Promise<boolean> | undefined;

/** Whether a Docker engine answers, decided within `timeoutMs` and asked once per process. */
export function dockerEngineAnswers(timeoutMs = 1_500): Promise<boolean> {
  answer ??= Promise.all(candidateEndpoints().map((endpoint) => answers(endpoint, timeoutMs))).then(
    (results) => results.some(Boolean),
  );
  return answer;
}
