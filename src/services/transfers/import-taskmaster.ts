import { z } from "zod";
import { ForbiddenError, UserError } from "../../domain/errors.ts";
import { actorInChannel, canConfigureChannel, canManageServer } from "../../domain/roles.ts";
import type { TaskStatus } from "../../domain/task-states.ts";
import {
  readTaskMasterFile,
  type TaskMasterFile,
  type TaskMasterItem,
} from "../../domain/taskmaster/read-taskmaster-file.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema } from "../../domain/validation/task-inputs.ts";
import { lockChannelSettings } from "../../store/channel-settings.ts";
import { nextTaskNumber } from "../../store/counters.ts";
import type { Tx } from "../../store/database.ts";
import { deleteDependency, insertDependencies, lockDependencyGraph } from "../../store/dependencies.ts";
import { lockImportedTasks, lockImports } from "../../store/imports.ts";
import type { TaskRow } from "../../store/schema.ts";
import { countLiveTasks, insertTask, type TaskPatch, updateTask } from "../../store/tasks.ts";
import type { ActionContext, ImportInput } from "../contracts.ts";
import type { Effects } from "../effects.ts";
import type { Engine } from "../engine.ts";
import { mutate } from "../mutate.ts";
import { recordChange } from "../tasks/record-change.ts";
import { unblockDependents } from "../tasks/unblock-dependents.ts";
import type { ImportedTask, ImportReport } from "../views.ts";
import { rightsIn } from "../visibility.ts";

/** A file larger than this is refused before it is parsed. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

const importInputSchema = z.object({
  text: z.string().refine((text) => Buffer.byteLength(text) <= MAX_IMPORT_BYTES, {
    message: `must be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB`,
  }),
  tag: z.string().trim().min(1, "can't be empty").max(100, "must be at most 100 characters").optional(),
  dryRun: z.boolean().default(false),
});

/** What an import last wrote, kept in metadata.imported: a re-run changes only what changed in the file since. */
interface ImportedSnapshot {
  title: string;
  description: string;
  priority: string;
  status: TaskStatus;
  parent: string | null;
  dependsOn: string[];
}

interface Source {
  taskmaster: string;
  tag: string;
}

class DryRunRollback extends Error {
  constructor(readonly report: ImportReport) {
    super("dry run: rolled back");
  }
}

/**
 * Imports a Task Master tasks.json into ctx.channelId in one transaction: new tasks are created (subtasks
 * under their parent), tasks an earlier import brought in are updated where the file changed, each with its
 * audit event (source `import`) and card outbox row, so the cards are posted when the bot runs. A dry run
 * does all of it and rolls back, so its report is exactly what a real run would do now.
 */
export async function importTaskMaster(
  engine: Engine,
  rawCtx: ActionContext,
  raw: ImportInput,
): Promise<ImportReport> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const input = parseInput(importInputSchema, raw, "file");
  const rights = rightsIn(ctx, ctx.channelId);
  if (!canConfigureChannel(actorInChannel(ctx.actor, rights), rights) && !canManageServer(ctx.actor)) {
    throw new ForbiddenError("Importing tasks needs Manage Channels in this channel (or Manage Server).");
  }
  const file = readTaskMasterFile(input.text, input.tag === undefined ? {} : { tag: input.tag });
  try {
    return await engine.creates.run(ctx.guildId, () =>
      mutate(engine, ctx.guildId, async (tx, effects) => {
        const report = await applyImport(tx, effects, ctx, file, engine.now());
        if (input.dryRun) throw new DryRunRollback({ ...report, dryRun: true });
        return report;
      }),
    );
  } catch (error) {
    if (error instanceof DryRunRollback) return error.report;
    throw error;
  }
}

async function applyImport(
  tx: Tx,
  effects: Effects,
  ctx: ActionContext,
  file: TaskMasterFile,
  now: Date,
): Promise<ImportReport> {
  await lockImports(tx, ctx.guildId);
  await lockDependencyGraph(tx, ctx.guildId);
  const existing = new Map<string, TaskRow>();
  for (const row of await lockImportedTasks(tx, ctx.guildId, file.tag)) {
    existing.set((row.metadata.source as Source).taskmaster, row);
  }
  const settings = await lockChannelSettings(tx, ctx.guildId, ctx.channelId);
  const targets = targetStatuses(file.items, existing);

  const rows = new Map<string, TaskRow>();
  const report: ImportReport = {
    dryRun: false,
    tag: file.tag,
    layout: file.layout,
    created: [],
    updated: [],
    unchanged: 0,
    createdByStatus: {},
    warnings: file.warnings,
  };
  const finished: TaskRow[] = [];
  for (const item of file.items) {
    const parent = item.parentKey === null ? null : rows.get(item.parentKey)!;
    const before = existing.get(item.key);
    const status = targets.get(item.key)!;
    if (!before) {
      const task = await createImported(tx, effects, ctx, file.tag, item, status, parent, now);
      rows.set(item.key, task);
      report.created.push(imported(item, task));
      report.createdByStatus[status] = (report.createdByStatus[status] ?? 0) + 1;
      continue;
    }
    const { task, changes } = await updateImported(tx, effects, ctx, item, before, status, parent, now);
    rows.set(item.key, task);
    if (changes.length === 0) report.unchanged += 1;
    else report.updated.push({ ...imported(item, task), changes });
    if (task.status === "done" && before.status !== "done") finished.push(task);
  }

  for (const item of file.items) {
    const task = rows.get(item.key)!;
    const previous = existing.has(item.key) ? snapshotOf(existing.get(item.key)!).dependsOn : [];
    const added = item.dependsOn.filter((key) => !previous.includes(key));
    const removed = previous.filter((key) => !item.dependsOn.includes(key));
    await insertDependencies(
      tx,
      task.id,
      added.map((key) => rows.get(key)!.id),
      now,
    );
    for (const key of removed) {
      const gone = rows.get(key) ?? existing.get(key);
      if (gone) await deleteDependency(tx, task.id, gone.id);
    }
  }
  for (const task of finished) await unblockDependents(tx, effects, ctx, task, now);

  if (settings.queueLimit !== null) {
    const live = await countLiveTasks(tx, ctx.channelId);
    if (live > settings.queueLimit) {
      throw new UserError(
        `This import would leave ${live} live tasks in this channel, whose queue limit is ${settings.queueLimit}. Raise the limit with /tasklane config or import into another channel; nothing was imported.`,
      );
    }
    effects.gateRecount.add(ctx.channelId);
  }
  return report;
}

/**
 * The status each task ends with: Task Master's (mapped) for new tasks and for tasks whose status changed
 * in the file since the last import, else the task's current one. Open or in-progress work whose
 * dependencies are not all done is blocked, as a Tasklane dependency would block it.
 */
function targetStatuses(items: TaskMasterItem[], existing: Map<string, TaskRow>): Map<string, TaskStatus> {
  const base = new Map<string, TaskStatus>();
  const decided = new Set<string>();
  for (const item of items) {
    const row = existing.get(item.key);
    if (!row || snapshotOf(row).status !== item.status) {
      base.set(item.key, item.status);
      decided.add(item.key);
    } else base.set(item.key, row.status);
  }
  const result = new Map(base);
  for (const item of items) {
    if (!decided.has(item.key)) continue;
    const status = base.get(item.key)!;
    const waiting = item.dependsOn.some((key) => base.get(key) !== "done");
    if (waiting && (status === "open" || status === "in_progress")) result.set(item.key, "blocked");
  }
  return result;
}

async function createImported(
  tx: Tx,
  effects: Effects,
  ctx: ActionContext,
  tag: string,
  item: TaskMasterItem,
  status: TaskStatus,
  parent: TaskRow | null,
  now: Date,
): Promise<TaskRow> {
  const source: Source = { taskmaster: item.key, tag };
  const task = await insertTask(tx, {
    guildId: ctx.guildId,
    channelId: ctx.channelId,
    number: await nextTaskNumber(tx, ctx.guildId),
    title: item.title,
    description: item.description,
    status,
    priority: item.priority,
    createdBy: ctx.actor.userId,
    parentId: parent?.id ?? null,
    ...statusTimes(status, now),
    metadata: {
      source,
      imported: snapshot(item),
      ...(status === "blocked" && item.blockReason ? { blockReason: item.blockReason } : {}),
    },
    createdAt: now,
    updatedAt: now,
  });
  const details = { title: task.title, taskmaster: item.key, parent: parent?.number };
  const change = { task, actorId: ctx.actor.userId, source: ctx.source, kind: "created", to: status };
  await recordChange(tx, effects, { ...change, details }, now);
  if (parent) effects.numbers([parent.number]);
  return task;
}

async function updateImported(
  tx: Tx,
  effects: Effects,
  ctx: ActionContext,
  item: TaskMasterItem,
  row: TaskRow,
  status: TaskStatus,
  parent: TaskRow | null,
  now: Date,
): Promise<{ task: TaskRow; changes: string[] }> {
  const last = snapshotOf(row);
  const next = snapshot(item);
  const changes: string[] = [];
  const patch: TaskPatch = {};
  if (last.title !== next.title) {
    changes.push("title");
    patch.title = item.title;
  }
  if (last.description !== next.description) {
    changes.push("description");
    patch.description = item.description;
  }
  if (last.priority !== next.priority) {
    changes.push("priority");
    patch.priority = item.priority;
  }
  if (last.parent !== next.parent) {
    changes.push("parent");
    patch.parentId = parent?.id ?? null;
  }
  if (last.dependsOn.join() !== next.dependsOn.join()) changes.push("dependencies");
  if (status !== row.status) {
    changes.push("status");
    Object.assign(patch, statusTimes(status, now, row));
    patch.status = status;
    const { blockReason: _, ...metadata } = row.metadata;
    patch.metadata =
      status === "blocked" && item.blockReason ? { ...metadata, blockReason: item.blockReason } : metadata;
  }
  if (changes.length === 0) return { task: row, changes };
  patch.metadata = { ...(patch.metadata ?? row.metadata), imported: next };
  const task = (await updateTask(tx, row, patch, now))!;
  await recordChange(
    tx,
    effects,
    {
      task,
      actorId: ctx.actor.userId,
      source: ctx.source,
      kind: "imported",
      from: status !== row.status ? row.status : null,
      to: status !== row.status ? status : null,
      details: { taskmaster: item.key, changes },
      relatives: changes.includes("status") || changes.includes("title") || changes.includes("parent"),
    },
    now,
  );
  return { task, changes };
}

/** The timestamps a task carries in a status it was put in directly (not through the transition table). */
function statusTimes(status: TaskStatus, now: Date, row?: TaskRow): TaskPatch {
  const started = status === "in_progress" || status === "in_review" || status === "done";
  return {
    startedAt: started ? (row?.startedAt ?? now) : null,
    submittedAt: status === "in_review" || status === "done" ? (row?.submittedAt ?? now) : null,
    completedAt: status === "done" || status === "cancelled" ? (row?.completedAt ?? now) : null,
    leaseExpiresAt: null,
    nextAttemptAt: null,
  };
}

function snapshot(item: TaskMasterItem): ImportedSnapshot {
  return {
    title: item.title,
    description: item.description,
    priority: item.priority,
    status: item.status,
    parent: item.parentKey,
    dependsOn: item.dependsOn,
  };
}

/** What the last import wrote: every imported task carries it (see createImported). */
function snapshotOf(row: TaskRow): ImportedSnapshot {
  return row.metadata.imported as ImportedSnapshot;
}

function imported(item: TaskMasterItem, task: TaskRow): ImportedTask {
  return { taskmaster: item.key, number: task.number, title: task.title, status: task.status };
}
