import { type Client, Events } from "discord.js";
import { commands, componentRoutes } from "../commands/index.ts";
import { createCache } from "./cache/create-cache.ts";
import type { Cache } from "./cache/types.ts";
import type { Config } from "./config.ts";
import { createDiscordClient } from "./discord/client.ts";
import type { OutboxDispatcher } from "./discord/delivery/outbox-dispatcher.ts";
import {
  type StartOutboxDispatcherOptions,
  startOutboxDispatcher,
} from "./discord/delivery/start-outbox-dispatcher.ts";
import { registerInteractionMetrics } from "./discord/interaction-metrics.ts";
import { createMentionHandler, registerMentionCommands } from "./discord/mentions/mention-handler.ts";
import { createInteractionRouter, type InteractionRouter } from "./discord/router.ts";
import { checkHealth } from "./http/health.ts";
import { createMetricsRegistry, registerCacheMetrics } from "./http/metrics.ts";
import { type HttpServer, startHttpServer } from "./http/server.ts";
import { type GateDriftJob, startGateDriftCheck } from "./jobs/gate-drift-job.ts";
import { type Jobs, type JobsOptions, startJobs } from "./jobs/start-jobs.ts";
import type { Logger } from "./log.ts";
import { createServices, type Services } from "./services/services.ts";
import type { ServiceDeps } from "./services/types.ts";
import { type Database, embeddedDataDir, openDatabase } from "./store/database.ts";
import { runMigrations } from "./store/migrate.ts";

export interface AppOptions {
  config: Config;
  log: Logger;
  /** Use this database instead of opening one from config; the app then leaves it open on stop(). */
  database?: Database;
  /** Use this cache instead of creating one from config; the app then leaves it open on stop(). */
  cache?: Cache;
  /** The health/metrics server; false to run without it (tests). Default: HTTP_PORT / HTTP_HOST. */
  http?: false | { port: number; host?: string };
  /** Engine knobs (clock, retry policy, randomness) passed through to the services. */
  engine?: Omit<ServiceDeps, "database" | "cache" | "log">;
  /** Skip applying migrations at build (the database is known to be migrated, e.g. a test template). */
  skipMigrations?: boolean;
  /** Outbox dispatcher knobs (tests use small delays). */
  delivery?: Pick<StartOutboxDispatcherOptions, "pollMs" | "retry" | "requestTimeoutMs" | "batchSize">;
  /** Background job knobs (lease expiry interval). */
  jobs?: Pick<JobsOptions, "intervalMs" | "leaseClaimMs">;
}

export interface App {
  client: Client;
  services: Services;
  database: Database;
  cache: Cache;
  router: InteractionRouter;
  /** The outbox dispatcher, once start() has run. */
  outbox(): OutboxDispatcher | undefined;
  /** The background jobs, once start() has run. */
  jobs(): Jobs | undefined;
  /** The health/metrics server's port once started (0 = any free port was asked for). */
  httpPort(): number | undefined;
  /** Serves health and metrics, logs in to the gateway and resolves when the client is ready. */
  start(): Promise<void>;
  /** Stops taking interactions, lets in-flight ones finish, then closes client, http, cache, database. */
  stop(): Promise<void>;
}

/** Builds the whole bot from config, with every dependency explicit. Nothing connects to Discord until start(). */
export async function createApp(options: AppOptions): Promise<App> {
  const { config, log } = options;
  const database =
    options.database ??
    (await openDatabase({ url: config.DATABASE_URL, dataDir: embeddedDataDir(config.DATA_DIR), log }));
  if (!options.database && !options.skipMigrations) await runMigrations(database, config.DATABASE_URL);
  const cache =
    options.cache ??
    (await createCache({
      redisUrl: config.REDIS_URL,
      log,
      rateLimit: { capacity: config.RATE_LIMIT_WRITES, windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS },
    }));
  const serviceDeps: ServiceDeps = { ...options.engine, database, cache, log };
  const services = createServices(serviceDeps);

  const registry = createMetricsRegistry();
  registerCacheMetrics(registry, cache);
  const client = createDiscordClient({ apiUrl: config.DISCORD_API_URL, log });
  const router = createInteractionRouter({
    client,
    services,
    cache,
    log,
    commands,
    components: componentRoutes,
    onAnswered: registerInteractionMetrics(registry),
  });
  client.on(Events.InteractionCreate, (interaction) => void router.handle(interaction));
  const mentions = createMentionHandler({ client, services, cache, log });
  registerMentionCommands(client, mentions);
  let outbox: OutboxDispatcher | undefined;
  let jobs: Jobs | undefined;
  let gateDrift: GateDriftJob | undefined;

  let http: HttpServer | undefined;
  const health = () => checkHealth({ health: services.health, cache, gatewayReady: () => client.isReady() });

  return {
    client,
    services,
    database,
    cache,
    router,
    httpPort: () => http?.port,
    outbox: () => outbox,
    jobs: () => jobs,
    async start() {
      const httpOptions = options.http ?? { port: config.HTTP_PORT, host: config.HTTP_HOST };
      if (httpOptions) http = await startHttpServer({ ...httpOptions, log, health, metrics: registry });
      if (!config.DISCORD_TOKEN) throw new Error("DISCORD_TOKEN is required to connect to Discord");
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(config.DISCORD_TOKEN);
      await ready;
      outbox = startOutboxDispatcher({
        cache,
        log,
        client,
        services,
        registry,
        now: options.engine?.now,
        ...options.delivery,
      });
      jobs = startJobs({
        jobs: services.jobs,
        log,
        systemUserId: () => client.user?.id,
        signals: cache.signals,
        ...options.jobs,
      });
      gateDrift = startGateDriftCheck({ gate: services.gate, log });
      log.info(
        {
          user: client.user?.tag,
          guilds: client.guilds.cache.size,
          database: database.kind,
          cache: cache.kind,
        },
        "tasklane ready",
      );
    },
    async stop() {
      await router.drain();
      await mentions.drain();
      await jobs?.stop();
      await gateDrift?.stop();
      await outbox?.stop();
      await client.destroy();
      await http?.close();
      if (!options.cache) await cache.close();
      if (!options.database) await database.close();
      log.info("tasklane stopped");
    },
  };
}
