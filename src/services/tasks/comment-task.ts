import type { TaskView } from "../../domain/task-view.ts";
import { text as textSchema } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema } from "../../domain/validation/task-inputs.ts";
import { findAgent } from "../../store/agents.ts";
import { updateTask } from "../../store/tasks.ts";
import type { ActionContext } from "../contracts.ts";
import type { Engine } from "../engine.ts";
import { mutate } from "../mutate.ts";
import { viewFor } from "../visibility.ts";
import { requireTask, requireView } from "./load-task.ts";
import { recordChange } from "./record-change.ts";
import { requireAllowed } from "./require-allowed.ts";

/** A comment is an event of its own; the task row (and its version) stays as it is. */
export async function commentTask(
  engine: Engine,
  rawCtx: ActionContext,
  number: number,
  raw: string,
): Promise<TaskView> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const text = parseInput(textSchema, raw, "text");
  const view = await mutate(engine, ctx.guildId, async (tx, effects) => {
    const now = engine.now();
    const task = await requireTask(tx, ctx.guildId, number, "share");
    await requireAllowed(tx, ctx, task, "comment", now);
    const change = { task, actorId: ctx.actor.userId, source: ctx.source, kind: "commented" };
    // The card shows the task, not its comments: its version is unchanged, so no card edit is due.
    await recordChange(tx, effects, { ...change, details: { text }, card: false }, now);
    return requireView(tx, ctx.guildId, number);
  });
  return viewFor(ctx, view);
}

/** The assignee reports progress: the note is recorded and an agent's lease is renewed. */
export async function reportProgress(
  engine: Engine,
  rawCtx: ActionContext,
  number: number,
  raw: string,
): Promise<TaskView> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const note = parseInput(textSchema, raw, "note");
  const view = await mutate(engine, ctx.guildId, async (tx, effects) => {
    const now = engine.now();
    const task = await requireTask(tx, ctx.guildId, number);
    const settings = await requireAllowed(tx, ctx, task, "progress", now);
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
    return requireView(tx, ctx.guildId, number);
  });
  return viewFor(ctx, view);
}
