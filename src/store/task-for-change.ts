import { getTableColumns, sql } from "drizzle-orm";
import { Combiner } from "./combiner.ts";
import { namedStatementPool, type Queryable } from "./database.ts";
import { columnsAs, prepareStatement, runPreparedOn } from "./prepared.ts";
import { type ChannelSettingsRow, channelSettings, type TaskRow, tasks } from "./schema.ts";
import { LINKED_TASK_FIELDS, type LinkedTasks, linkedTasksOf } from "./task-views.ts";

interface ReadValues extends Record<string, unknown> {
  guildId: string;
  number: number;
}

const f = LINKED_TASK_FIELDS;
const SETTINGS = "settings.";

/** The read every change starts from (readTaskForChange), on the database or inside a transaction. */
const READ = prepareStatement<ReadValues>(
  "tasklane_task_for_change",
  sql`SELECT ${columnsAs(tasks, "t")}, ${columnsAs(channelSettings, "cs", [], SETTINGS)},
    ${f.parent} AS parent, ${f.dependencies} AS dependencies, ${f.blocks} AS blocks, ${f.subtasks} AS subtasks
  FROM tasks t LEFT JOIN channel_settings cs ON cs.channel_id = t.channel_id
  WHERE t.guild_id = ${sql.placeholder("guildId")}::text AND t.number = ${sql.placeholder("number")}::int`,
);

const TASK_KEYS = Object.keys(getTableColumns(tasks));
const SETTINGS_KEYS = Object.keys(getTableColumns(channelSettings)).map(
  (key) => [key, SETTINGS + key] as const,
);

/** READ for several tasks of one guild at once. */
const READ_MANY = prepareStatement<{ guildId: string; numbers: number[] }>(
  "tasklane_tasks_for_change",
  sql`SELECT ${columnsAs(tasks, "t")}, ${columnsAs(channelSettings, "cs", [], SETTINGS)},
    ${f.parent} AS parent, ${f.dependencies} AS dependencies, ${f.blocks} AS blocks, ${f.subtasks} AS subtasks
  FROM tasks t LEFT JOIN channel_settings cs ON cs.channel_id = t.channel_id
  WHERE t.guild_id = ${sql.placeholder("guildId")}::text AND t.number = ANY(${sql.placeholder("numbers")}::int[])`,
);

type ForChange = { task: TaskRow; settings: ChannelSettingsRow | null; linked: LinkedTasks };

/**
 * Reads on the database handle (not in a transaction) that arrive while others of the guild run share
 * one statement (store/combiner.ts); each is a read that began after its call, as its own would be.
 */
const reads = new Combiner<Queryable, { guildId: string; number: number }, ForChange | undefined>({
  lane: (read) => read.guildId,
  conflict: (read) => String(read.number),
  lanes: 1,
  batchMax: 32,
  one: async (q, { guildId, number }) => {
    const [row] = await runPreparedOn<Record<string, unknown>, ReadValues>(q, READ, { guildId, number });
    return row ? forChangeOf(row) : undefined;
  },
  many: async (q, batch) => {
    const rows = await runPreparedOn<Record<string, unknown>, { guildId: string; numbers: number[] }>(
      q,
      READ_MANY,
      { guildId: batch[0]!.guildId, numbers: batch.map((read) => read.number) },
    );
    const byNumber = new Map(rows.map((row) => [Number(row.number), row]));
    return batch.map((read) => {
      const row = byNumber.get(read.number);
      return row ? forChangeOf(row) : undefined;
    });
  },
});

/** What a change decides on, in one prepared statement: the task, its channel's settings row, its relatives. */
export async function readTaskForChange(
  q: Queryable,
  guildId: string,
  number: number,
): Promise<ForChange | undefined> {
  // Only on a Postgres handle: inside a transaction (or on PGlite's one connection) the read is its own.
  if (namedStatementPool(q)) return reads.run(q, { guildId, number });
  const [row] = await runPreparedOn<Record<string, unknown>, ReadValues>(q, READ, { guildId, number });
  return row ? forChangeOf(row) : undefined;
}

function forChangeOf(row: Record<string, unknown>): ForChange {
  const task: Record<string, unknown> = {};
  for (const key of TASK_KEYS) task[key] = row[key];
  let settings: Record<string, unknown> | null = null;
  if (row[`${SETTINGS}channelId`] !== null) {
    settings = {};
    for (const [key, column] of SETTINGS_KEYS) settings[key] = row[column];
  }
  return {
    task: task as unknown as TaskRow,
    settings: settings as unknown as ChannelSettingsRow | null,
    linked: linkedTasksOf(row),
  };
}
