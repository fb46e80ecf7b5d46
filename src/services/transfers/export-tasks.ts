import { z } from "zod";
import type { TaskEventView } from "../../domain/task-event.ts";
import { TASK_STATUSES } from "../../domain/task-states.ts";
import type { TaskView } from "../../domain/task-view.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema } from "../../domain/validation/task-inputs.ts";
import { eventsOfTasks } from "../../store/exports.ts";
import type { ActionContext, ExportInput, ListFilters } from "../contracts.ts";
import type { Engine } from "../engine.ts";
import { listTasks } from "../tasks/list-tasks.ts";
import type { ExportFile } from "../views.ts";
import { type ExportDocument, exportedTask, toCsv } from "./export-formats.ts";

/** An export stops here (and says so): one reply's attachment, built in memory. */
export const MAX_EXPORT_TASKS = 5000;
const PAGE = 100;

const exportInputSchema = z.object({
  format: z.enum(["csv", "json"]),
  status: z.enum([...TASK_STATUSES, "live", "all"]).default("all"),
  scope: z.enum(["channel", "server"]).default("channel"),
});

/**
 * The tasks the actor can see, through the same filtered list the lists use, oldest first, as CSV or
 * JSON (JSON with each task's history).
 */
export async function exportTasks(
  engine: Engine,
  rawCtx: ActionContext,
  raw: ExportInput,
): Promise<ExportFile> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const input = parseInput(exportInputSchema, raw);
  const filters: ListFilters = { status: input.status };
  if (input.scope === "channel") filters.channelId = ctx.channelId;

  const tasks: TaskView[] = [];
  let cursor: string | null = null;
  let truncated = false;
  do {
    const page = await listTasks(engine, ctx, filters, { cursor, limit: PAGE });
    tasks.push(...page.items);
    cursor = page.nextCursor;
    if (tasks.length >= MAX_EXPORT_TASKS) {
      truncated = cursor !== null || tasks.length > MAX_EXPORT_TASKS;
      break;
    }
  } while (cursor);
  const kept = tasks.slice(0, MAX_EXPORT_TASKS).reverse();

  const now = engine.now();
  const filename = `tasklane-${ctx.guildId}-${now.toISOString().slice(0, 10)}.${input.format}`;
  if (input.format === "csv") {
    return {
      filename,
      contentType: "text/csv; charset=utf-8",
      content: toCsv(kept),
      count: kept.length,
      truncated,
    };
  }
  const history = new Map<number, TaskEventView[]>();
  for (let i = 0; i < kept.length; i += 500) {
    const batch = await eventsOfTasks(
      engine.db,
      kept.slice(i, i + 500).map((task) => task.id),
    );
    for (const [id, events] of batch) history.set(id, events);
  }
  const document: ExportDocument = {
    tasklane: 1,
    guildId: ctx.guildId,
    exportedAt: now.toISOString(),
    filters: { status: input.status, scope: input.scope },
    tasks: kept.map((task) => exportedTask(task, history.get(task.id) ?? [])),
  };
  return {
    filename,
    contentType: "application/json",
    content: `${JSON.stringify(document, null, 2)}\n`,
    count: kept.length,
    truncated,
  };
}
