import type { Tx } from "../../store/database.ts";
import { lockBlockedDependents, openDependencies } from "../../store/dependencies.ts";
import type { TaskRow } from "../../store/schema.ts";
import { updateTask } from "../../store/tasks.ts";
import type { ActionContext } from "../contracts.ts";
import type { Effects } from "../effects.ts";
import { recordChange } from "./record-change.ts";

/**
 * `done` finished a dependency: every blocked task that now has no open dependency (and was not
 * blocked by hand) returns to open in this same transaction. Returns the ids of those tasks.
 */
export async function unblockDependents(
  tx: Tx,
  effects: Effects,
  ctx: ActionContext,
  done: TaskRow,
  now: Date,
): Promise<number[]> {
  const unblocked: number[] = [];
  for (const dependent of await lockBlockedDependents(tx, done.id)) {
    if (dependent.metadata.blockReason) continue;
    if ((await openDependencies(tx, dependent.id)).length > 0) continue;
    const updated = await updateTask(tx, dependent, { status: "open" }, now);
    if (!updated) continue;
    await recordChange(
      tx,
      effects,
      {
        task: updated,
        actorId: ctx.actor.userId,
        source: "system",
        kind: "unblocked",
        from: "blocked",
        to: "open",
        details: { dependenciesDone: true, lastDependency: done.number },
        relatives: true,
      },
      now,
    );
    unblocked.push(updated.id);
  }
  return unblocked;
}
