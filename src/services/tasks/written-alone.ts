import { viewKeys } from "../../cache/keys.ts";
import type { ViewMark } from "../../cache/types.ts";
import type { TaskView } from "../../domain/task-view.ts";
import type { TaskRow } from "../../store/schema.ts";
import type { Marked } from "../../store/task-messages.ts";
import { changedTaskView, type LinkedTasks } from "../../store/task-views.ts";
import type { ActionContext } from "../contracts.ts";
import type { Effects } from "../effects.ts";
import type { Engine } from "../engine.ts";
import type { TransitionResult } from "../views.ts";
import { viewFor } from "../visibility.ts";

/**
 * What a transition written in one statement (submit-alone.ts, transition-alone.ts) hands on, as
 * attemptTransition does for the transaction path: the keys to drop (the relatives' too when the
 * status moved), the view built from the row it returned (stored under `mark`), and the answer.
 */
export function writtenAlone(
  engine: Engine,
  ctx: ActionContext,
  effects: Effects,
  written: {
    task: TaskRow;
    linked: LinkedTasks;
    from: string;
    kind: string;
    now: Date;
    clickMark: Marked | undefined;
  },
  mark: ViewMark | undefined,
  submission: TaskView["submission"] = null,
): TransitionResult {
  const { task: updated, linked: related } = written;
  effects.task(updated);
  if (updated.status !== written.from)
    effects.numbers([
      ...(related.parent ? [related.parent.number] : []),
      ...related.subtasks.map((subtask) => subtask.number),
      ...related.blocks.map((dependent) => dependent.number),
    ]);
  const view = changedTaskView(updated, related, {
    actorId: ctx.actor.userId,
    kind: written.kind,
    at: written.now.toISOString(),
    source: ctx.source,
    dependency: null,
  });
  const fresh = { ...view, submission };
  if (mark)
    effects.fresh.push({
      key: viewKeys.task(ctx.guildId, fresh.number),
      value: fresh,
      ttlSeconds: engine.viewTtlSeconds,
      mark,
    });
  return { task: viewFor(ctx, fresh), ...(written.clickMark ? { clickMark: written.clickMark } : {}) };
}
