import { InvalidTransitionError, ValidationError } from "../../domain/errors.ts";
import type { TaskView } from "../../domain/task-view.ts";
import type { DomainAction } from "../../domain/transitions.ts";
import { taskNumber } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema } from "../../domain/validation/task-inputs.ts";
import type { Tx } from "../../store/database.ts";
import {
  deleteDependency,
  dependencyPath,
  hasDependency,
  insertDependencies,
  lockDependencyGraph,
  openDependencies,
} from "../../store/dependencies.ts";
import type { TaskRow } from "../../store/schema.ts";
import { type TaskPatch, updateTask } from "../../store/tasks.ts";
import type { ActionContext } from "../contracts.ts";
import type { Effects } from "../effects.ts";
import type { Engine } from "../engine.ts";
import { mutate } from "../mutate.ts";
import { requireReferable, requireVisible, viewFor } from "../visibility.ts";
import { requireTask, requireView } from "./load-task.ts";
import { recordChange } from "./record-change.ts";
import { requireAllowed } from "./require-allowed.ts";

type Edit = (tx: Tx, task: TaskRow, on: TaskRow, now: Date) => Promise<TaskPatch>;

/** #number depends on #onNumber from now on; refused when that closes a cycle (which it names). */
export function addDependency(
  engine: Engine,
  ctx: ActionContext,
  number: number,
  onNumber: number,
): Promise<TaskView> {
  return editGraph(engine, ctx, number, onNumber, "add_dependency", async (tx, task, on, now) => {
    if (await hasDependency(tx, task.id, on.id)) {
      throw new InvalidTransitionError(`#${task.number} already depends on #${on.number}.`);
    }
    const path = await dependencyPath(tx, on.id, task.id);
    if (path)
      throw new InvalidTransitionError(`That would close a dependency cycle: ${describeCycle(path)}.`);
    await insertDependencies(tx, task.id, [on.id], now);
    const blocks = on.status !== "done" && (task.status === "open" || task.status === "in_progress");
    return blocks ? { status: "blocked", leaseExpiresAt: null } : {};
  });
}

/** #number no longer depends on #onNumber; a task blocked only by its dependencies opens when none is left. */
export function removeDependency(
  engine: Engine,
  ctx: ActionContext,
  number: number,
  onNumber: number,
): Promise<TaskView> {
  return editGraph(engine, ctx, number, onNumber, "remove_dependency", async (tx, task, on) => {
    if (!(await deleteDependency(tx, task.id, on.id))) {
      throw new InvalidTransitionError(`#${task.number} doesn't depend on #${on.number}.`);
    }
    const stillWaiting = (await openDependencies(tx, task.id)).length > 0;
    const reopens = task.status === "blocked" && !task.metadata.blockReason && !stillWaiting;
    return reopens ? { status: "open" } : {};
  });
}

async function editGraph(
  engine: Engine,
  rawCtx: ActionContext,
  number: number,
  onNumber: number,
  action: Extract<DomainAction, "add_dependency" | "remove_dependency">,
  edit: Edit,
): Promise<TaskView> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  parseInput(taskNumber, number, "number");
  parseInput(taskNumber, onNumber, "onNumber");
  if (number === onNumber) throw new ValidationError("onNumber", "dependency can't be the task itself");
  const view = await mutate(engine, ctx.guildId, async (tx, effects) => {
    const now = engine.now();
    await lockDependencyGraph(tx, ctx.guildId);
    // Both numbers resolve inside ctx's guild only: an edge can never cross guilds.
    // Locked for update: its card lists what it blocks, so the edge is a change to it too.
    const on = await requireTask(tx, ctx.guildId, onNumber);
    const task = await requireTask(tx, ctx.guildId, number);
    requireVisible(ctx, task);
    // Waiting on a task is a change to it too (it blocks this one's approval); letting go only needs to see it.
    if (action === "add_dependency") requireReferable(ctx, on);
    else requireVisible(ctx, on);
    await requireAllowed(tx, ctx, task, action, now);
    const patch = await edit(tx, task, on, now);
    const updated = (await updateTask(tx, task, patch, now)) ?? task;
    const kind = action === "add_dependency" ? "dependency_added" : "dependency_removed";
    await recordChange(
      tx,
      effects,
      {
        task: updated,
        actorId: ctx.actor.userId,
        source: ctx.source,
        kind,
        from: patch.status ? task.status : null,
        to: patch.status ?? null,
        details: { dependsOn: on.number },
        relatives: patch.status !== undefined,
      },
      now,
    );
    await refreshBlocker(
      tx,
      effects,
      ctx,
      on,
      { dependent: number, added: action === "add_dependency" },
      now,
    );
    return requireView(tx, ctx.guildId, number);
  });
  return viewFor(ctx, view);
}

/**
 * A task's card shows what waits for it ("Blocks #7, #9"), so gaining or losing a dependent is a change
 * to it as well: a new version, its own event and card refresh, in the same transaction. `blocker` must
 * be locked for update.
 */
export async function refreshBlocker(
  tx: Tx,
  effects: Effects,
  ctx: Pick<ActionContext, "actor" | "source">,
  blocker: TaskRow,
  edge: { dependent: number; added: boolean },
  now: Date,
): Promise<void> {
  const updated = await updateTask(tx, blocker, {}, now);
  if (!updated) return;
  await recordChange(
    tx,
    effects,
    {
      task: updated,
      actorId: ctx.actor.userId,
      source: ctx.source,
      kind: edge.added ? "dependent_added" : "dependent_removed",
      details: { dependent: edge.dependent },
    },
    now,
  );
}

/** #3 → #1 → #2 → #3, started at the lowest number so the same cycle always reads the same. */
function describeCycle(path: number[]): string {
  const start = path.indexOf(Math.min(...path));
  const rotated = [...path.slice(start), ...path.slice(0, start)];
  return [...rotated, rotated[0]].map((n) => `#${n}`).join(" → ");
}
