import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { privilegedIntents } from "./assemble-core.ts";
import type { Core } from "./core.ts";
import { PRIVILEGED_INTENT_NAMES } from "./gateway/intents.ts";
import { DEFAULTS, type StandInOptions } from "./options.ts";
import type { FaultInjector } from "./rest/faults.ts";
import { RateLimiter } from "./rest/rate-limits.ts";
import type { LoggedRequest, RequestLog } from "./rest/request-log.ts";
import { Router } from "./rest/router.ts";
import { applicationRoutes } from "./rest/routes/application.ts";
import { channelMessageRoutes } from "./rest/routes/channel-messages.ts";
import { commandRoutes } from "./rest/routes/commands.ts";
import { guildRoutes } from "./rest/routes/guilds.ts";
import { interactionRoutes } from "./rest/routes/interactions.ts";
import { reactionRoutes } from "./rest/routes/reactions.ts";
import { handleRestRequest } from "./rest/server.ts";

export interface HttpDeps {
  core: Core;
  options: StandInOptions;
  requests: RequestLog;
  faults: FaultInjector;
  gatewayUrl(): string;
  onRequest(entry: LoggedRequest): void;
}

/** One HTTP server on 127.0.0.1 for REST (/api/v10/...) and the gateway (WebSocket upgrade). */
export async function listenOn(port: number, deps: HttpDeps): Promise<{ server: Server; port: number }> {
  const { core, options } = deps;
  const router = new Router();
  router.add(
    ...applicationRoutes(
      core,
      deps.gatewayUrl,
      () => options.shards ?? DEFAULTS.shards,
      options.maxConcurrency ?? DEFAULTS.maxConcurrency,
    ),
    ...commandRoutes(core),
    ...interactionRoutes(core),
    ...channelMessageRoutes(core),
    ...reactionRoutes(core),
    ...guildRoutes(core, () => (privilegedIntents(options) & PRIVILEGED_INTENT_NAMES.GuildMembers) !== 0),
  );
  const restDeps = {
    router,
    log: deps.requests,
    faults: deps.faults,
    rateLimits: new RateLimiter(options.rateLimits ?? "generous"),
    logger: core.logger,
    token: options.token,
    keepBodies: options.keepRequestBodies ?? true,
    onRequest: deps.onRequest,
  };
  const server = createServer((req, res) => {
    if (core.cdn.serve(req, res)) return;
    handleRestRequest(restDeps, req, res).catch((error: unknown) => {
      core.logger.error({ err: error }, "stand-in: request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("upgrade", (req, socket, head) => core.gateway.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
