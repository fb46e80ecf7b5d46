import pg from "pg";
import { LABELS, WORDS } from "./vocabulary.ts";

export { channelIdOf, guildIdOf, userIdOf } from "./ids.ts";

export interface SeedShape {
  tasks: number;
  guilds: number;
  channelsPerGuild: number;
}

/** Half of all tasks live in guild 0 (the busy server the queries target); the rest spread evenly. */
export function tasksInGuild(shape: SeedShape, guild: number): number {
  if (guild === 0) return Math.ceil(shape.tasks / 2);
  const others = Math.floor(shape.tasks / 2);
  const perGuild = Math.floor(others / (shape.guilds - 1));
  return perGuild + (guild - 1 < others % (shape.guilds - 1) ? 1 : 0);
}

/**
 * One INSERT … SELECT generate_series over an id range. Row i goes to guild 0 when even (number i/2+1),
 * else to guild 1 + ((i-1)/2 mod (G-1)) — numbers are dense and unique per guild without a window.
 * Status mix: 60% done, 5% cancelled, 2% failed, 15% open, 10% in progress, 5% in review, 3% blocked.
 */
const INSERT_TASKS = `
INSERT INTO tasks (guild_id, channel_id, number, title, description, status, priority, labels,
  assignee_id, created_by, estimate_minutes, due_at, started_at, submitted_at, completed_at,
  attempts, version, created_at, updated_at)
SELECT
  (100000000000000000 + gi)::text,
  (200000000000000000 + gi * 1000 + (i / 7) % $5)::text,
  num,
  (SELECT string_agg(($1::text[])[1 + floor(array_length($1::text[], 1) * random() ^ 2)::int], ' ')
     FROM generate_series(1, 3 + i % 6) AS k),
  (SELECT string_agg(($1::text[])[1 + floor(array_length($1::text[], 1) * random() ^ 1.5)::int], ' ')
     FROM generate_series(1, 10 + i % 31) AS k),
  status,
  (ARRAY['low','medium','medium','medium','high','high','critical','low'])[1 + i % 8],
  coalesce((SELECT array_agg(DISTINCT ($2::text[])[1 + floor(array_length($2::text[], 1) * random() ^ 2)::int])
     FROM generate_series(1, i % 4) AS k), '{}'),
  CASE WHEN status = 'open' AND r2 < 0.7 THEN NULL ELSE (300000000000000000 + (i * 31) % 500)::text END,
  (300000000000000000 + (i * 17) % 500)::text,
  CASE WHEN r2 < 0.5 THEN 15 * (1 + i % 32) END,
  CASE WHEN r2 < 0.3 THEN created + interval '7 days' END,
  CASE WHEN status IN ('in_progress','in_review','done','failed') THEN created + interval '1 hour' END,
  CASE WHEN status IN ('in_review','done') THEN created + interval '5 hours' END,
  CASE WHEN status IN ('done','cancelled','failed') THEN created + interval '1 day' END,
  CASE WHEN status = 'failed' THEN 3 WHEN status IN ('in_progress','in_review','done') THEN 1 ELSE 0 END,
  CASE WHEN status = 'open' THEN 1 WHEN status IN ('in_progress','blocked','cancelled') THEN 3 ELSE 5 END,
  created,
  created + interval '1 day'
FROM (
  SELECT i, random() AS r2,
    CASE WHEN i % 2 = 0 THEN 0 ELSE 1 + ((i - 1) / 2) % ($4 - 1) END AS gi,
    CASE WHEN i % 2 = 0 THEN i / 2 + 1 ELSE ((i - 1) / 2) / ($4 - 1) + 1 END AS num,
    now() - interval '365 days' * (1 - i::float8 / $6) AS created,
    CASE
      WHEN r1 < 0.60 THEN 'done' WHEN r1 < 0.65 THEN 'cancelled' WHEN r1 < 0.67 THEN 'failed'
      WHEN r1 < 0.82 THEN 'open' WHEN r1 < 0.92 THEN 'in_progress' WHEN r1 < 0.97 THEN 'in_review'
      ELSE 'blocked' END AS status
  FROM (SELECT i, random() AS r1 FROM generate_series($3::int, $7::int) AS i) AS raw
) AS row_source`;

/** The audit trail the services would have written: created, then one event per step taken. */
const INSERT_EVENTS = `
INSERT INTO task_events (task_id, guild_id, actor_id, kind, from_status, to_status, details, source, created_at)
SELECT id, guild_id, actor, kind, from_status, to_status, '{}'::jsonb, source, at FROM (
  SELECT id, guild_id, created_by AS actor, 'created' AS kind, NULL AS from_status,
         'open' AS to_status, 'slash' AS source, created_at AS at
    FROM tasks WHERE id BETWEEN $1 AND $2
  UNION ALL
  SELECT id, guild_id, assignee_id, 'claimed', 'open', 'open', 'button', created_at + interval '30 minutes'
    FROM tasks WHERE id BETWEEN $1 AND $2 AND assignee_id IS NOT NULL
  UNION ALL
  SELECT id, guild_id, assignee_id, 'started', 'open', 'in_progress', 'button', started_at
    FROM tasks WHERE id BETWEEN $1 AND $2 AND started_at IS NOT NULL AND assignee_id IS NOT NULL
  UNION ALL
  SELECT id, guild_id, assignee_id, 'submitted', 'in_progress', 'in_review', 'slash', submitted_at
    FROM tasks WHERE id BETWEEN $1 AND $2 AND submitted_at IS NOT NULL AND assignee_id IS NOT NULL
  UNION ALL
  SELECT id, guild_id, created_by, CASE status WHEN 'done' THEN 'approved' ELSE status END,
         CASE status WHEN 'done' THEN 'in_review' ELSE 'open' END, status, 'button', completed_at
    FROM tasks WHERE id BETWEEN $1 AND $2 AND completed_at IS NOT NULL
  UNION ALL
  SELECT id, guild_id, created_by, 'blocked', 'open', 'blocked', 'slash', updated_at
    FROM tasks WHERE id BETWEEN $1 AND $2 AND status = 'blocked'
) AS events`;

interface IndexDefinition {
  name: string;
  definition: string;
}

/** Secondary indexes are dropped for the load and rebuilt after it: same end state, far faster. */
async function secondaryIndexes(client: pg.Client, tables: string[]): Promise<IndexDefinition[]> {
  const result = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
     WHERE i.schemaname = 'public' AND i.tablename = ANY($1)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [tables],
  );
  return result.rows.map((row) => ({ name: row.indexname, definition: row.indexdef }));
}

/** Runs `work` over [0, total) split into `parts` ranges, each on its own connection, in parallel. */
async function inParallel(
  url: string,
  total: number,
  parts: number,
  work: (client: pg.Client, from: number, to: number) => Promise<unknown>,
): Promise<void> {
  const size = Math.ceil(total / parts);
  await Promise.all(
    Array.from({ length: parts }, async (_, part) => {
      const from = part * size;
      const to = Math.min(total, from + size) - 1;
      if (to < from) return;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query("SET synchronous_commit = off");
        await work(client, from, to);
      } finally {
        await client.end();
      }
    }),
  );
}

/**
 * Fills an empty, migrated Tasklane database with `shape.tasks` tasks and their events, counters and
 * channel settings, then ANALYZE. Returns the seconds each phase took.
 */
export async function seedTasks(url: string, shape: SeedShape, parts = 2): Promise<Record<string, number>> {
  const timings: Record<string, number> = {};
  const phase = async (name: string, work: () => Promise<unknown>) => {
    const start = performance.now();
    await work();
    timings[name] = Math.round(performance.now() - start) / 1000;
  };
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const indexes = await secondaryIndexes(client, ["tasks", "task_events"]);
    await phase("drop indexes", async () => {
      for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
    });
    await phase("tasks", () =>
      inParallel(url, shape.tasks, parts, (worker, from, to) =>
        worker.query(INSERT_TASKS, [
          WORDS,
          LABELS,
          from,
          shape.guilds,
          shape.channelsPerGuild,
          shape.tasks,
          to,
        ]),
      ),
    );
    const bounds = await client.query<{ lo: number; hi: number }>(
      "SELECT min(id) AS lo, max(id) AS hi FROM tasks",
    );
    const { lo, hi } = bounds.rows[0]!;
    await phase("events", () =>
      inParallel(url, hi - lo + 1, parts, (worker, from, to) =>
        worker.query(INSERT_EVENTS, [lo + from, lo + to]),
      ),
    );
    await phase("counters and settings", async () => {
      await client.query(
        `INSERT INTO guild_counters (guild_id, last_number)
         SELECT guild_id, max(number) FROM tasks GROUP BY guild_id`,
      );
      await client.query(
        `INSERT INTO channel_settings (channel_id, guild_id, require_review)
         SELECT DISTINCT channel_id, guild_id, true FROM tasks`,
      );
    });
    await phase("rebuild indexes", () =>
      inParallelStatements(
        url,
        indexes.map((index) => index.definition),
        parts,
      ),
    );
    await phase("analyze", () => client.query("VACUUM ANALYZE"));
    return timings;
  } finally {
    await client.end();
  }
}

/** Runs independent statements on `parts` connections, each taking the next one off the list. */
async function inParallelStatements(url: string, statements: string[], parts: number): Promise<void> {
  const pending = [...statements];
  await Promise.all(
    Array.from({ length: parts }, async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query("SET maintenance_work_mem = '256MB'");
        for (let statement = pending.shift(); statement; statement = pending.shift()) {
          await client.query(statement);
        }
      } finally {
        await client.end();
      }
    }),
  );
}
