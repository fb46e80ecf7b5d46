import { existsSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
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

/** The engine must answer GET /_ping with 200 (a bare TCP accept proves nothing: proxies accept too). */
function answers(endpoint: Endpoint, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const tls = "host" in endpoint && (!!process.env.DOCKER_TLS_VERIFY || endpoint.port === 2376);
    // only asks whether something answers; Testcontainers does the verified TLS itself
    const send = tls ? httpsRequest : httpRequest;
    const ping = send(
      { ...endpoint, path: "/_ping", timeout: timeoutMs, rejectUnauthorized: false },
      (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      },
    );
    const timer = setTimeout(() => ping.destroy(), timeoutMs);
    ping.once("close", () => clearTimeout(timer));
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
