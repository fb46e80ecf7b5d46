import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryCache } from "../../src/cache/memory-cache.ts";
import { silentLogger } from "../../src/log.ts";
import { actorEverywhere, systemReader } from "../../src/services/actors.ts";
import { engineKeys } from "../../src/services/cache-keys.ts";
import type { ActionContext, TaskService } from "../../src/services/contracts.ts";
import { createTaskService } from "../../src/services/tasks/index.ts";
import type { Database, Db } from "../../src/store/database.ts";
import * as schema from "../../src/store/schema.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { seedTasks } from "./support/seed.ts";

interface Statement {
  query: string;
  params: unknown[];
}

const PREFIX = "77000000000";
const GUILD = `${PREFIX}000003`;
const CHANNEL = `${PREFIX}003002`;
const TRACKED = ["tasks", "task_events", "task_dependencies", "task_reviews", "task_labels", "task_search"];

/** Real Postgres: every statement a read runs is EXPLAINed over 10 000 tasks in 20 guilds. */
describe("every list query uses an index (postgres, 10 000 tasks)", () => {
  let testDb: TestDatabase;
  let pool: pg.Pool;
  let tasks: TaskService;
  const cache = createMemoryCache({ log: silentLogger });
  const statements: Statement[] = [];
  /** Stats are cached per channel part and block: each read starts cold, so its queries run and are checked. */
  const coldStats = () =>
    cache.views.del([
      engineKeys.stats(GUILD),
      ...Array.from({ length: 5 }, (_, i) => `${PREFIX}003${String(i).padStart(3, "0")}`).flatMap(
        (channel) => [engineKeys.statsPart(GUILD, channel), engineKeys.statsBlock(GUILD, channel, 0)],
      ),
    ]);

  beforeAll(async () => {
    testDb = await createTestDatabase();
    pool = new pg.Pool({ connectionString: testDb.url, max: 4 });
    // An idle client the server terminates (57P01, the shared test Postgres) is the pool's to replace,
    // not an uncaught error of the whole run.
    pool.on("error", () => undefined);
    const logger = {
      logQuery: (query: string, params: unknown[]) => void statements.push({ query, params }),
    };
    const db = drizzle({ client: pool, schema, logger }) as unknown as Db;
    const database: Database = {
      db,
      kind: "postgres",
      queryCount: () => statements.length,
      run: async <Row extends Record<string, unknown>>(
        statement: { name: string; text: string },
        values: unknown[],
      ) => {
        statements.push({ query: statement.text, params: values });
        return (await pool.query<Row>({ name: statement.name, text: statement.text, values })).rows;
      },
      withSessionLock: (_namespace, _key, work) => work(),
      close: () => pool.end(),
    };
    await seedTasks(db, PREFIX, 20, 500);
    tasks = createTaskService({ database, cache, log: silentLogger });
  }, 60_000);

  afterAll(async () => {
    await pool?.end();
    await testDb?.drop();
  });

  /** Every plan node of every read statement `run` makes. */
  async function planNodes(run: () => Promise<unknown>): Promise<{ query: string; node: PlanNode }[]> {
    statements.length = 0;
    await run();
    const nodes: { query: string; node: PlanNode }[] = [];
    for (const { query, params } of statements) {
      if (!/^\s*(select|with)/i.test(query)) continue;
      const result = await pool.query(`EXPLAIN (FORMAT JSON) ${query}`, params);
      for (const node of walk(result.rows[0]["QUERY PLAN"][0].Plan)) nodes.push({ query, node });
    }
    expect(statements.length).toBeGreaterThan(0);
    return nodes;
  }

  async function sequentialScans(run: () => Promise<unknown>): Promise<string[]> {
    const scans: string[] = [];
    for (const { query, node } of await planNodes(run)) {
      if (node["Node Type"] === "Seq Scan" && TRACKED.includes(node["Relation Name"] ?? "")) {
        scans.push(`${node["Relation Name"]} in: ${query.replace(/\s+/g, " ").slice(0, 160)}`);
      }
    }
    expect(statements.length).toBeGreaterThan(0);
    return scans;
  }

  const reads: [string, () => Promise<unknown>][] = [
    ["get", () => tasks.get(systemReader(GUILD), 250)],
    ["list live (guild)", () => tasks.list(systemReader(GUILD), {})],
    [
      "list all, second page",
      async () =>
        tasks.list(
          systemReader(GUILD),
          { status: "all" },
          { cursor: (await tasks.list(systemReader(GUILD), { status: "all" })).nextCursor },
        ),
    ],
    [
      "list by status in a channel",
      () => tasks.list(systemReader(GUILD), { status: "in_review", channelId: CHANNEL }),
    ],
    ["list by assignee", () => tasks.list(systemReader(GUILD), { assigneeId: "900000000000000003" })],
    ["list by label", () => tasks.list(systemReader(GUILD), { label: "docs", status: "all" })],
    ["list live by label", () => tasks.list(systemReader(GUILD), { label: "api" })],
    ["list by priority", () => tasks.list(systemReader(GUILD), { priority: "critical" })],
    ["list overdue", () => tasks.list(systemReader(GUILD), { due: "overdue" })],
    ["list due this week", () => tasks.list(systemReader(GUILD), { due: "week", channelId: CHANNEL })],
    [
      "list by due date, second page",
      async () =>
        tasks.list(
          systemReader(GUILD),
          { sort: "due" },
          { cursor: (await tasks.list(systemReader(GUILD), { sort: "due" })).nextCursor },
        ),
    ],
    ["search", () => tasks.search(systemReader(GUILD), "billing docs")],
    ["search, a word in every task", () => tasks.search(systemReader(GUILD), "generated")],
    ["history", () => tasks.history(systemReader(GUILD), 125)],
    ["reviews", () => tasks.reviews(systemReader(GUILD), 125)],
    ["queue", () => tasks.queue(systemReader(GUILD), CHANNEL)],
    ["suggest by number", () => tasks.suggest(systemReader(GUILD), "12")],
    ["suggest by words", () => tasks.suggest(systemReader(GUILD), "onboa")],
    ["suggest recent", () => tasks.suggest(systemReader(GUILD), "")],
    ["stats (guild)", async () => coldStats().then(() => tasks.stats(systemReader(GUILD)))],
    ["stats (channel)", async () => coldStats().then(() => tasks.stats(systemReader(GUILD), CHANNEL))],
  ];

  it.each(reads)("%s", async (_, run) => {
    expect(await sequentialScans(run)).toEqual([]);
  });

  it("a label list walks the guild's tasks with that label in list order (task_labels)", async () => {
    const used = (await planNodes(() => tasks.list(systemReader(GUILD), { label: "api" }))).map(
      ({ node }) => node["Index Name"],
    );
    expect(used).toContain("task_labels_pkey");
  });

  it("next", async () => {
    const ctx: ActionContext = {
      guildId: GUILD,
      channelId: CHANNEL,
      actor: actorEverywhere({ userId: "920000000000000001" }),
      source: "mention",
    };
    expect(await sequentialScans(() => tasks.next(ctx))).toEqual([]);
  });
});

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

function* walk(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* walk(child);
}
