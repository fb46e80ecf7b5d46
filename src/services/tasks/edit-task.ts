import { InvalidTransitionError, ValidationError } from "../../domain/errors.ts";
import { isLive, statusWords } from "../../domain/task-states.ts";
import type { TaskView } from "../../domain/task-view.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import {
  actionContextSchema,
  type EditTaskValues,
  editTaskSchemaFor,
  expectedVersionSchema,
} from "../../domain/validation/task-inputs.ts";
import type { Tx } from "../../store/database.ts";
import { ancestorIds } from "../../store/hierarchy.ts";
import { rearmTaskReminders } from "../../store/reminders.ts";
import type { TaskRow } from "../../store/schema.ts";
import { enqueueForThread } from "../../store/task-threads.ts";
import { findTaskRef, type TaskPatch, updateTask } from "../../store/tasks.ts";
import type { ActionContext, EditTaskInput } from "../contracts.ts";
import type { Engine } from "../engine.ts";
import { mutate } from "../mutate.ts";
import { dueTimeZone } from "../settings/settings-view.ts";
import { requireReferable, requireWritable, viewFor } from "../visibility.ts";
import { staleVersion } from "./explain-refusal.ts";
import { requireTask, requireView } from "./load-task.ts";
import { recordChange, target } from "./record-change.ts";
import { requireAllowed } from "./require-allowed.ts";

/** Edits title, description, priority, labels, due, repeat, estimate or parent; an edit that changes nothing writes nothing. */
export async function editTask(
  engine: Engine,
  rawCtx: ActionContext,
  number: number,
  raw: EditTaskInput,
  expectedVersion?: number,
): Promise<TaskView> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const values = parseInput(
    editTaskSchemaFor(raw, engine.now(), await dueTimeZone(engine, rawCtx, raw?.due)),
    raw,
  );
  const version = parseInput(expectedVersionSchema, expectedVersion, "expectedVersion");
  const view = await mutate(engine, ctx.guildId, async (tx, effects) => {
    const now = engine.now();
    const task = await requireTask(tx, ctx.guildId, number);
    requireWritable(ctx, task);
    if (version !== undefined && version !== task.version) throw await staleVersion(tx, task, "edit");
    // The new parent is checked first: a task you cannot see is unknown, whoever you are here.
    const { patch, changes } = await diff(tx, ctx, task, values);
    await requireAllowed(tx, ctx, task, "edit", now);
    if (Object.keys(changes).length === 0) return requireView(tx, ctx.guildId, number);
    // A new due date is not overdue (it can't be in the past) and has reminders of its own.
    if ("due" in changes && "overdue" in task.metadata) {
      const { overdue: _, ...metadata } = task.metadata;
      patch.metadata = metadata;
    }
    const updated = await updateTask(tx, task, patch, now);
    if (!updated) throw new InvalidTransitionError(`#${number} changed while you edited it; look again.`);
    if ("due" in changes) await rearmTaskReminders(tx, updated.id, now);
    const relatives = "title" in changes || "parent" in changes;
    const change = {
      task: updated,
      actorId: ctx.actor.userId,
      source: ctx.source,
      kind: "edited",
      relatives,
    };
    await recordChange(tx, effects, { ...change, details: { changes } }, now);
    // A task's thread is named after it.
    if ("title" in changes) {
      const rename = { kind: "thread_name" as const, payload: { taskId: updated.id } };
      await enqueueForThread(tx, target(updated), rename, now);
    }
    if (task.parentId !== null && task.parentId !== updated.parentId) {
      const old = await findTaskRef(tx, task.parentId);
      if (old) effects.numbers([old.number]);
    }
    return requireView(tx, ctx.guildId, number);
  });
  return viewFor(ctx, view);
}

type Changes = Record<string, { from: unknown; to: unknown }>;

async function diff(
  tx: Tx,
  ctx: ActionContext,
  task: TaskRow,
  values: EditTaskValues,
): Promise<{ patch: TaskPatch; changes: Changes }> {
  const patch: TaskPatch = {};
  const changes: Changes = {};
  const plain = (value: unknown) => (value instanceof Date ? value.toISOString() : value);
  const set = <K extends keyof TaskPatch>(key: K, name: string, to: TaskPatch[K], from: unknown) => {
    if (JSON.stringify(plain(from)) === JSON.stringify(plain(to))) return;
    patch[key] = to;
    changes[name] = { from: plain(from), to: plain(to) };
  };
  if (values.title !== undefined) set("title", "title", values.title, task.title);
  if (values.description !== undefined)
    set("description", "description", values.description, task.description);
  if (values.priority !== undefined) set("priority", "priority", values.priority, task.priority);
  if (values.labels !== undefined) set("labels", "labels", values.labels, task.labels);
  if (values.due !== undefined) set("dueAt", "due", values.due, task.dueAt);
  if (values.repeat !== undefined) set("recurrence", "repeat", values.repeat, task.recurrence);
  if (values.estimate !== undefined)
    set("estimateMinutes", "estimate", values.estimate, task.estimateMinutes);
  if (values.parentNumber !== undefined) {
    const parent =
      values.parentNumber === null ? null : await checkParent(tx, ctx, task, values.parentNumber);
    const from = task.parentId === null ? null : ((await findTaskRef(tx, task.parentId))?.number ?? null);
    const to = parent?.number ?? null;
    if (from !== to) {
      patch.parentId = parent?.id ?? null;
      changes.parent = { from, to };
    }
  }
  return { patch, changes };
}

/** A new parent: same guild, one the actor may change, live (while the task is), and not the task itself or one of its subtasks. */
async function checkParent(
  tx: Tx,
  ctx: ActionContext,
  task: TaskRow,
  parentNumber: number,
): Promise<TaskRow> {
  if (parentNumber === task.number)
    throw new ValidationError("parentNumber", "parent can't be the task itself");
  const parent = await requireTask(tx, task.guildId, parentNumber, "share");
  requireReferable(ctx, parent);
  if (isLive(task.status) && !isLive(parent.status)) {
    throw new InvalidTransitionError(
      `#${parent.number} is ${statusWords(parent.status)}; reopen it before adding subtasks.`,
    );
  }
  if ((await ancestorIds(tx, parent.id)).includes(task.id)) {
    throw new InvalidTransitionError(
      `#${parent.number} is a subtask of #${task.number}; it can't also be its parent.`,
    );
  }
  return parent;
}
