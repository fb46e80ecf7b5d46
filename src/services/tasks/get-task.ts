import { viewKeys } from "../../cache/keys.ts";
import { snowflake, taskNumber } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import type { Engine } from "../engine.ts";
import type { TaskView } from "../types.ts";
import { requireView } from "./load-task.ts";

/** Cache-aside by guild and number; writers delete the key after they commit. */
export async function getTask(engine: Engine, guildId: string, number: number): Promise<TaskView> {
  parseInput(snowflake, guildId, "guildId");
  parseInput(taskNumber, number, "number");
  const key = viewKeys.task(guildId, number);
  const cached = await engine.cache.views.get<TaskView>(key);
  if (cached) return cached;
  const view = await requireView(engine.db, guildId, number);
  await engine.cache.views.set(key, view, engine.viewTtlSeconds);
  return view;
}
