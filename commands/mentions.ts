import type { MentionOutcome } from "../src/discord/handler-types.ts";
import type { MentionCommand } from "../src/discord/mentions/parse-mention.ts";
import { discordTime, inlineCode } from "../src/discord/render/format.ts";
import { STATUS_LABELS } from "../src/discord/render/status-style.ts";
import type { TaskView } from "../src/domain/task-view.ts";
import type { ActionContext, TaskService } from "../src/services/contracts.ts";

/** Commands that change something: rate limited like slash writes. */
export function isWrite(command: MentionCommand): boolean {
  return command.name !== "view" && command.name !== "help";
}

/**
 * Runs a parsed command through the same services as the slash commands (same permissions, same
 * state table). Throws what the services throw; the caller turns UserErrors into their sentence.
 */
export async function run(
  tasks: TaskService,
  ctx: ActionContext,
  command: Exclude<MentionCommand, { name: "help" }>,
): Promise<MentionOutcome> {
  switch (command.name) {
    case "next": {
      const task = await tasks.next(ctx, { labels: command.labels });
      if (!task) return { message: queueEmpty(command.labels), task: null };
      return {
        message: `**#${task.number}** is yours and started.${leaseLine(task)}`,
        task,
      };
    }
    case "view": {
      const task = await tasks.get(ctx, command.number);
      return { message: describeTask(task), task };
    }
    case "progress": {
      const task = await tasks.progress(ctx, command.number, command.text);
      return { message: `Progress noted on **#${task.number}**.${leaseLine(task)}`, task };
    }
    case "start": {
      const { task } = await tasks.transition(ctx, { number: command.number, action: "start" });
      return { message: `Started **#${task.number}**.${leaseLine(task)}`, task };
    }
    case "submit": {
      const { task } = await tasks.transition(ctx, {
        number: command.number,
        action: "submit",
        ...(command.text ? { text: command.text } : {}),
        ...(command.evidence !== undefined ? { evidence: command.evidence } : {}),
      });
      const result = task.status === "done" ? "marked done" : "submitted for review";
      return { message: `**#${task.number}** ${result}.`, task };
    }
    case "fail": {
      const { task } = await tasks.transition(ctx, {
        number: command.number,
        action: "fail",
        text: command.text,
      });
      return { message: failLine(task), task };
    }
    case "release": {
      const { task } = await tasks.transition(ctx, { number: command.number, action: "release" });
      return { message: `Released **#${task.number}**; it is back in the queue.`, task };
    }
    case "approve": {
      const { task } = await tasks.transition(ctx, {
        number: command.number,
        action: "approve",
        ...(command.text ? { text: command.text } : {}),
      });
      return { message: `Approved **#${task.number}**; it is done.`, task };
    }
    case "rework": {
      const { task } = await tasks.transition(ctx, {
        number: command.number,
        action: "request_rework",
        text: command.text,
      });
      return { message: `Sent **#${task.number}** back for rework; its assignee is told why.`, task };
    }
    case "block": {
      const { task } = await tasks.transition(ctx, {
        number: command.number,
        action: "block",
        text: command.text,
      });
      return { message: `Blocked **#${task.number}**.`, task };
    }
    case "comment": {
      const task = await tasks.comment(ctx, command.number, command.text);
      return { message: `Comment added to **#${task.number}**.`, task };
    }
    case "ask": {
      const task = await tasks.ask(ctx, command.number, command.text);
      return {
        message: `Asked on **#${task.number}**; its creator is told. Your lease is paused until the answer.`,
        task,
      };
    }
    case "create": {
      const task = await tasks.create(ctx, {
        title: command.title,
        ...(command.parentNumber !== undefined ? { parentNumber: command.parentNumber } : {}),
        ...(command.labels !== undefined ? { labels: command.labels } : {}),
      });
      const parent = task.parent ? ` as a subtask of #${task.parent.number}` : "";
      // The title is user text: it follows the json block, as the reply's detail.
      return { message: `Created **#${task.number}**${parent}.`, task };
    }
  }
}

function queueEmpty(labels: string[]): string {
  const filter = labels.length ? ` with labels ${labels.map(inlineCode).join(", ")}` : "";
  return `Queue empty: no task in this channel${filter} is ready for you right now.`;
}

function leaseLine(task: TaskView): string {
  return task.leaseExpiresAt
    ? ` Lease until ${discordTime(task.leaseExpiresAt)}; \`progress\` renews it.`
    : "";
}

function failLine(task: TaskView): string {
  if (task.status === "failed") {
    return `**#${task.number}** failed after ${task.attempts} attempts; it is now in the failed list (reopen to retry).`;
  }
  const retry = task.nextAttemptAt ? ` It comes back ${discordTime(task.nextAttemptAt, "R")}.` : "";
  return `Failed attempt ${task.attempts} recorded on **#${task.number}**.${retry}`;
}

function describeTask(task: TaskView): string {
  const who = task.assigneeId ? `assigned to <@${task.assigneeId}>` : "unassigned";
  return `**#${task.number}** — ${STATUS_LABELS[task.status]}, ${who}.`;
}
