import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Assume, type Logger as DrizzleLogger, sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import pg from "pg";
import type { Logger } from "../log.ts";
import * as schema from "./schema.ts";

/** What both drivers' raw `execute` results have in common: the rows. */
export interface RowsResult<Row> {
  rows: Row[];
}

export interface RowsResultHKT extends PgQueryResultHKT {
  type: RowsResult<Assume<this["row"], Record<string, unknown>>>;
}

export type Db = PgDatabase<RowsResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Either the database or a transaction: queries take whichever they are given. */
export type Queryable = Db | Tx;

export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  /** Statements sent through drizzle or `run` since start (tests and the bench read it). */
  queryCount(): number;
  /**
   * One hand-written statement on its own (autocommit): a named prepared statement on Postgres
   * (parsed and planned once per connection), the same text on PGlite. See store/prepared.ts.
   */
  run<Row extends Record<string, unknown>>(statement: StatementText, values: unknown[]): Promise<Row[]>;
  /**
   * Runs `work` holding a session advisory lock on a connection of its own (not a transaction, so
   * no idle-in-transaction timeout ends it mid-way); undefined without running it when another
   * session holds the lock. The embedded database is one process: it just runs `work`.
   */
  withSessionLock<T>(namespace: number, key: string, work: () => Promise<T>): Promise<T | undefined>;
  close(): Promise<void>;
}

/** A statement's SQL text ($1, $2, …) and the name it is prepared under. */
export interface StatementText {
  name: string;
  text: string;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL; without it, the embedded PGlite under dataDir. */
  url?: string;
  /** PGlite directory, or "memory://" for a throwaway in-memory database. */
  dataDir?: string;
  log: Logger;
  /** Connections this process may hold in all (default 20), shared by its two pools. */
  poolMax?: number;
  statementTimeoutMs?: number;
}

/** Where the embedded database lives: `${DATA_DIR}/pglite`, or "memory://" kept as it is. */
export function embeddedDataDir(dataDir: string): string {
  return dataDir.startsWith("memory://") ? dataDir : join(dataDir, "pglite");
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  let queries = 0;
  const logger: DrizzleLogger = {
    logQuery: () => {
      queries += 1;
    },
  };
  if (options.url) {
    // The connections are shared out, not doubled: poolMax is what one process may hold in all.
    const total = options.poolMax ?? 20;
    const namedShare = Math.max(1, Math.floor(total / 2));
    const pool = createPool(options, Math.max(1, total - namedShare), SERIAL);
    const generic = createPool(options, namedShare, `${SERIAL} ${GENERIC_PLANS}`);
    const db = drizzlePg({ client: pool, schema, logger }) as unknown as Db;
    NAMED_STATEMENT_POOLS.set(db, generic);
    return {
      db,
      kind: "postgres",
      queryCount: () => queries,
      run: async <Row extends Record<string, unknown>>(statement: StatementText, values: unknown[]) => {
        queries += 1;
        // A named statement is written to be planned once for any values: its sessions never re-plan it.
        const on = statement.name === "" ? pool : generic;
        const result = await on.query<Row>({ name: statement.name, text: statement.text, values });
        return result.rows;
      },
      withSessionLock: (namespace, key, work) => withSessionLock(pool, namespace, key, work),
      close: async () => {
        await Promise.all([pool.end(), generic.end()]);
      },
    };
  }
  const dataDir = options.dataDir ?? "./data/pglite";
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  // Loaded only for the embedded default: a process on Postgres never holds PGlite's module in memory.
  const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
  ]);
  const client = await PGlite.create(dataDir);
  const db = drizzlePglite({ client, schema, logger }) as unknown as Db;
  options.log.debug({ dataDir }, "embedded database opened");
  return {
    db,
    kind: "pglite",
    queryCount: () => queries,
    run: async <Row extends Record<string, unknown>>(statement: StatementText, values: unknown[]) => {
      queries += 1;
      return (await client.query<Row>(statement.text, values)).rows;
    },
    withSessionLock: (_namespace, _key, work) => work(),
    close: () => client.close(),
  };
}

async function withSessionLock<T>(
  pool: pg.Pool,
  namespace: number,
  key: string,
  work: () => Promise<T>,
): Promise<T | undefined> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const { rows } = await client.query<{ ok: boolean }>(
      "SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok",
      [namespace, key],
    );
    if (!rows[0]?.ok) return undefined;
    try {
      return await work();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [namespace, key]).catch((error) => {
        broken = error as Error; // the session (and its lock) is gone: never reuse this connection
      });
    }
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * The sessions that run named statements on their own (Database.run): `plan_cache_mode` is
 * force_generic_plan there, so each statement is planned once per session, for any values.
 *
 * Under the default (auto), Postgres plans a named statement with its values five times, then
 * compares a generic plan's cost with their average; once a cached plan is invalidated (an
 * autoanalyze of `tasks` does it) it keeps comparing new custom plans with the generic plan's old
 * cost without rebuilding it. When the statistics moved the costs down (the view's relatives' row
 * estimates do, as the table gets analyzed), every later call on that session is planned anew:
 * measured on the claim, the submit and the read a change starts from, more than half of their calls,
 * about 1.1 ms of planning each. The hot statements are written for one plan (no OR of parameters,
 * CASE instead); unnamed statements (list pages planned with their values), drizzle's own statements
 * and transactions stay on the other pool, under auto (runPreparedOn sends a named statement on the
 * handle here too). test/store/generic-plans.test.ts.
 */
const GENERIC_PLANS = "-c plan_cache_mode=force_generic_plan";

/**
 * No statement of the bot starts parallel workers: each reads an index's few pages, and starting the
 * workers cost more than it saves (a search window planned parallel took 14 ms more, in the workers'
 * start-up). A search window's parts are read in turn (store/search.ts) and must stay in turn.
 */
const SERIAL = "-c max_parallel_workers_per_gather=0";

/** A Postgres database handle's pool for named statements run on the handle (not in a transaction). */
const NAMED_STATEMENT_POOLS = new WeakMap<object, pg.Pool>();

/** Where runPreparedOn runs a named statement given the database handle `q` (undefined: on `q` itself). */
export function namedStatementPool(q: Queryable): pg.Pool | undefined {
  return NAMED_STATEMENT_POOLS.get(q);
}

/** A URL's own `options` would replace the session's (pg reads the URL last): both are kept, in one. */
function withSessionOptions(url: string | undefined, sessionOptions: string | undefined) {
  if (!url || !sessionOptions) return { connectionString: url };
  const parsed = new URL(url);
  const own = parsed.searchParams.get("options");
  parsed.searchParams.delete("options");
  return { connectionString: parsed.toString(), options: own ? `${own} ${sessionOptions}` : sessionOptions };
}

/** Every wait is bounded: Discord gives an interaction 3 s, and pg's defaults wait forever. */
function createPool(options: OpenDatabaseOptions, max: number, sessionOptions?: string): pg.Pool {
  const statementTimeout = options.statementTimeoutMs ?? 5_000;
  const pool = new pg.Pool({
    ...withSessionOptions(options.url, sessionOptions),
    max,
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeout,
    lock_timeout: 2_000,
    idle_in_transaction_session_timeout: 10_000,
    application_name: "tasklane",
  });
  pool.on("error", (error) => options.log.warn({ err: error }, "idle database connection failed"));
  // The pool listens on idle clients only: a connection that fails while checked out (mid-request, or
  // in a transaction awaiting the bot) would emit an unhandled 'error' and kill the process. The
  // query in flight rejects on its own and the pool discards the client when it is released.
  pool.on("connect", (client) => {
    client.on("error", (error) =>
      options.log.warn({ err: error }, "database connection failed while in use"),
    );
  });
  return pool;
}

/** True when the database answers a trivial statement (the health check). */
export function pingDatabase(database: Database): Promise<boolean> {
  return database.db
    .execute(sql`select 1`)
    .then(() => true)
    .catch(() => false);
}
