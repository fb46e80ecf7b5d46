import { sql } from "drizzle-orm";
import type { Database } from "./database.ts";
import { columnsAs, prepareStatement, runPrepared } from "./prepared.ts";
import { type ChannelSettingsRow, channelSettings, type TaskRow, tasks } from "./schema.ts";
import { LINKED_TASK_FIELDS, type LinkedTasks, linkedTasksOf } from "./task-views.ts";

interface ReadValues extends Record<string, unknown> {
  guildId: string;
  number: number;
}

const f = LINKED_TASK_FIELDS;
const SETTINGS = "settings.";

/** findTaskForChange (store/tasks.ts) as a prepared statement, for the one-statement changes. */
const READ = prepareStatement<ReadValues>(
  "tasklane_task_for_change",
  sql`SELECT ${columnsAs(tasks, "t")}, ${columnsAs(channelSettings, "cs", [], SETTINGS)},
    ${f.parent} AS parent, ${f.dependencies} AS dependencies, ${f.blocks} AS blocks, ${f.subtasks} AS subtasks
  FROM tasks t LEFT JOIN channel_settings cs ON cs.channel_id = t.channel_id
  WHERE t.guild_id = ${sql.placeholder("guildId")}::text AND t.number = ${sql.placeholder("number")}::int`,
);

/** What a change decides on, in one prepared statement: the task, its channel's settings row, its relatives. */
export async function readTaskForChange(
  database: Database,
  guildId: string,
  number: number,
): Promise<{ task: TaskRow; settings: ChannelSettingsRow | null; linked: LinkedTasks } | undefined> {
  const [row] = await runPrepared<Record<string, unknown>, ReadValues>(database, READ, { guildId, number });
  if (!row) return undefined;
  const task: Record<string, unknown> = {};
  const settings: Record<string, unknown> = {};
  const { parent, dependencies, blocks, subtasks, ...columns } = row;
  for (const [key, value] of Object.entries(columns)) {
    if (key.startsWith(SETTINGS)) settings[key.slice(SETTINGS.length)] = value;
    else task[key] = value;
  }
  return {
    task: task as unknown as TaskRow,
    settings: settings.channelId === null ? null : (settings as unknown as ChannelSettingsRow),
    linked: linkedTasksOf({ parent, dependencies, blocks, subtasks }),
  };
}
