import { type Client, Events } from "discord.js";
import { commands, componentRoutes, mentionVerbs } from "../commands/index.ts";
import { createCache } from "./cache/create-cache.ts";
import type { Cache } from "./cache/types.ts";
import type { Config } from "./config.ts";
import { createDiscordClient } from "./discord/client.ts";
import type { OutboxDispatcher } from "./discord/delivery/outbox-dispatcher.ts";
import {
  type StartOutboxDispatcherOptions,
  startOutboxDispatcher,
} from "./discord/delivery/start-outbox-dispatcher.ts";
import { createGuardedRunner, type GuardedRunner } from "./discord/guarded-runner.ts";
import { registerInteractionMetrics } from "./discord/interaction-metrics.ts";
import { createMentionHandler, registerMentionCommands } from "./discord/mentions/mention-handler.ts";
import { createInteractionRouter, type InteractionRouter } from "./discord/router.ts";
import { checkHealth } from "./http/health.ts";
import { createMetricsRegistry, registerCacheMetrics, registerOperatorMetrics } from "./http/metrics.ts";
import { type HttpServer, startHttpServer } from "./http/server.ts";
import { type GateDriftJob, startGateDriftCheck } from "./jobs/gate-drift-job.ts";
import { type Pruning, startPruning } from "./jobs/prune-history.ts";
import { type Jobs, type JobsOptions, startJobs } from "./jobs/start-jobs.ts";
import type { Logger } from "./log.ts";
import type { ServiceDeps, Services } from "./services/contracts.ts";
import { createServices } from "./services/create-services.ts";
import { type Database, embeddedDataDir, openDatabase } from "./store/database.ts";
import { runMigrations } from "./store/migrate.ts";
import { holdSoleInstanceLock } from "./store/sole-instance-lock.ts";

export { AnotherInstanceError } from "./store/sole-instance-lock.ts";

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
  /**
   * The clock an interaction's 3 s window is judged by against its snowflake: Discord's time, so the
   * real one by default, never the engine's (tests move that one through days).
   */
  interactionClock?: () => Date;
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
  /** The one way in for interactions and mentions (claims, rate limits, work in flight). */
  runner: GuardedRunner;
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
  const soleInstance =
    !options.cache && !config.REDIS_URL && config.DATABASE_URL && !config.ALLOW_INSTANCES_WITHOUT_REDIS
      ? await holdSoleInstanceLock(config.DATABASE_URL, log)
      : undefined;
  const cache =
    options.cache ??
    (await createCache({
      redisUrl: config.REDIS_URL,
      keyPrefix: config.REDIS_KEY_PREFIX,
      log,
      rateLimit: { capacity: config.RATE_LIMIT_WRITES, windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS },
      readRateLimit: { capacity: config.RATE_LIMIT_READS, windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS },
    }));
  const serviceDeps: ServiceDeps = { ...options.engine, database, cache, log };
  const services = createServices(serviceDeps);

  const registry = createMetricsRegistry();
  registerCacheMetrics(registry, cache);
  registerOperatorMetrics(registry, services.operations);
  const client = createDiscordClient({
    apiUrl: config.DISCORD_API_URL,
    log,
    ...(config.SHARD_COUNT ? { shards: { count: config.SHARD_COUNT, ids: config.SHARD_IDS } } : {}),
  });
  const runner = createGuardedRunner({
    services,
    cache,
    log,
    onAnswered: registerInteractionMetrics(registry),
    now: options.interactionClock,
  });
  const router = createInteractionRouter({
    client,
    services,
    cache,
    log,
    commands,
    components: componentRoutes,
    runner,
  });
  client.on(Events.InteractionCreate, (interaction) => void router.handle(interaction));
  const mentions = createMentionHandler({
    client,
    services,
    cache,
    log,
    runner,
    verbs: mentionVerbs,
    agentBudget: { capacity: config.AGENT_COMMAND_BUDGET, windowSeconds: 60 },
  });
  registerMentionCommands(client, mentions);
  let outbox: OutboxDispatcher | undefined;
  let jobs: Jobs | undefined;
  let gateDrift: GateDriftJob | undefined;
  let pruning: Pruning | undefined;

  let http: HttpServer | undefined;
  const health = () => checkHealth({ health: services.health, cache, gatewayReady: () => client.isReady() });

  return {
    client,
    services,
    database,
    cache,
    router,
    runner,
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
      pruning = startPruning({ events: services.events, log });
      log.info(
        {
          user: client.user?.tag,
          guilds: client.guilds.cache.size,
          database: database.kind,
          cache: cache.kind,
          shards: client.options.shards,
          shardCount: client.options.shardCount,
        },
        "tasklane ready",
      );
    },
    async stop() {
      // Intake, background jobs and delivery wind down together, within one grace period; the outbox
      // first sends what the interactions finishing now commit. What is still pending after it stays
      // in the outbox for the next instance (or start) to deliver.
      const graceMs = config.SHUTDOWN_GRACE_MS;
      const intake = runner.drain(graceMs);
      const delivery = intake.then(async () => {
        await outbox?.drain();
        await outbox?.stop();
      });
      const finished = await settlesWithin(
        Promise.allSettled([intake, delivery, jobs?.stop(), gateDrift?.stop(), pruning?.stop()]),
        graceMs,
      );
      if (!finished) log.warn({ graceMs }, "grace period over: closing with work still in flight");
      await client.destroy();
      await http?.close();
      if (!options.cache) await cache.close();
      if (!options.database) await database.close();
      await soleInstance?.release();
      log.info("tasklane stopped");
    },
  };
}

/** true when `work` settled within `ms`. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = await Promise.race([work.then(() => true), timeout]);
  clearTimeout(timer);
  return settled;
}
