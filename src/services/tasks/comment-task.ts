import type { TaskView } from "../../domain/task-view.ts";
import { text as textSchema } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { findAgent } from "../../store/agents.ts";
import { enqueueForThread } from "../../store/task-threads.ts";
import { updateTask } from "../../store/tasks.ts";
import type { ActionContext } from "../contracts.ts";
import type { Engine } from "../engine.ts";
import { changeAllowedTask } from "./change-allowed-task.ts";
import { recordChange, target } from "./record-change.ts";

/** A comment is an event of its own; the task row (and its version) stays as it is. */
export async function commentTask(
  engine: Engine,
  rawCtx: ActionContext,
  number: number,
  raw: string,
): Promise<TaskView> {
  const text = parseInput(textSchema, raw, "text");
  return changeAllowedTask(
    engine,
    rawCtx,
    number,
    "comment",
    async ({ tx, effects, ctx, task, now }) => {
      const change = { task, actorId: ctx.actor.userId, source: ctx.source, kind: "commented" };
      // The card shows the task, not its comments: its version is unchanged, so no card edit is due.
      await recordChange(tx, effects, { ...change, details: { text }, card: false }, now);
      // A task with a thread shows its comments there; a mention's own message (and its answer) already is one.
      if (ctx.source !== "mention") {
        const payload = { taskId: task.id, authorId: ctx.actor.userId, text };
        await enqueueForThread(tx, target(task), { kind: "comment", payload }, now);
        effects.outbox = true;
      }
    },
    { lock: "share" },
  );
}

/** The assignee reports progress: the note is recorded and an agent's lease is renewed. */
export async function reportProgress(
  engine: Engine,
  rawCtx: ActionContext,
  number: number,
  raw: string,
): Promise<TaskView> {
  const note = parseInput(textSchema, raw, "note");
  return changeAllowedTask(
    engine,
    rawCtx,
    number,
    "progress",
    async ({ tx, effects, ctx, task, settings, now }) => {
      const isAgent = (await findAgent(tx, task.guildId, ctx.actor.userId)) !== undefined;
      const leaseExpiresAt = isAgent
        ? new Date(now.getTime() + settings.leaseMinutes * 60_000)
        : task.leaseExpiresAt;
      const updated = (await updateTask(tx, task, { leaseExpiresAt }, now)) ?? task;
      const change = { task: updated, actorId: ctx.actor.userId, source: ctx.source, kind: "progress" };
      await recordChange(
        tx,
        effects,
        { ...change, details: { note, leaseExpiresAt: leaseExpiresAt?.toISOString() } },
        now,
      );
    },
  );
}
