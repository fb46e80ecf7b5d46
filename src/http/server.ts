import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../log.ts";

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface MetricsSource {
  contentType: string;
  metrics(): Promise<string>;
}

export interface HttpServerOptions {
  port: number;
  host?: string;
  log: Logger;
  health: () => Promise<HealthReport>;
  metrics?: MetricsSource;
}

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

/** /healthz (200 when every check passes, else 503) and /metrics (Prometheus text). */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const respond = async () => {
      if (request.method !== "GET") return send(405, "text/plain", "method not allowed\n");
      if (path === "/healthz") {
        const report = await options.health();
        return send(report.ok ? 200 : 503, "application/json", `${JSON.stringify(report)}\n`);
      }
      if (path === "/metrics" && options.metrics) {
        return send(200, options.metrics.contentType, await options.metrics.metrics());
      }
      return send(404, "text/plain", "not found\n");
    };
    const send = (status: number, contentType: string, body: string) => {
      response.writeHead(status, { "content-type": contentType });
      response.end(body);
    };
    respond().catch((error: unknown) => {
      options.log.error({ err: error, path }, "http request failed");
      if (!response.headersSent) send(500, "text/plain", "internal error\n");
    });
  });
  await listen(server, options.port, options.host ?? "0.0.0.0");
  const { port } = server.address() as AddressInfo;
  options.log.info({ port }, "http server listening (/healthz, /metrics)");
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
