import { type APIButtonComponent, ButtonStyle, ComponentType } from "discord.js";
import type { TaskStatus } from "../../domain/task-states.ts";
import type { TaskView } from "../../services/types.ts";
import { type CardAction, encodeCustomId } from "../custom-id.ts";

interface ButtonSpec {
  action: CardAction;
  label: string;
  style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger;
}

/** The labels are public interface: users' habits and the sandbox's `click <label>` depend on them. */
export function buttonSpecsFor(status: TaskStatus, requireReview: boolean): ButtonSpec[] {
  switch (status) {
    case "open":
      return [
        { action: "claim", label: "Claim", style: ButtonStyle.Primary },
        { action: "start", label: "Start", style: ButtonStyle.Success },
      ];
    case "in_progress":
      return [
        {
          action: "submit",
          label: requireReview ? "Submit for review" : "Mark done",
          style: ButtonStyle.Success,
        },
        { action: "release", label: "Release", style: ButtonStyle.Secondary },
      ];
    case "in_review":
      return [
        { action: "approve", label: "Approve", style: ButtonStyle.Success },
        { action: "rework", label: "Request rework", style: ButtonStyle.Danger },
      ];
    case "blocked":
      return [{ action: "unblock", label: "Unblock", style: ButtonStyle.Primary }];
    case "done":
    case "cancelled":
    case "failed":
      return [{ action: "reopen", label: "Reopen", style: ButtonStyle.Secondary }];
  }
}

export function taskButtons(task: TaskView, requireReview: boolean): APIButtonComponent[] {
  return buttonSpecsFor(task.status, requireReview).map((spec) => ({
    type: ComponentType.Button,
    style: spec.style,
    label: spec.label,
    custom_id: encodeCustomId({ kind: "card", action: spec.action, taskId: task.id, version: task.version }),
  }));
}
