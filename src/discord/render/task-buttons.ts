import { type APIButtonComponent, ButtonStyle, ComponentType } from "discord.js";
import { cardButtonsFor } from "../../domain/card-buttons.ts";
import type { TaskView } from "../../domain/task-view.ts";
import type { CardButton } from "../../domain/transitions.ts";
import { encodeCustomId } from "../custom-id.ts";

const STYLES: Record<
  CardButton["style"],
  ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger
> = {
  primary: ButtonStyle.Primary,
  secondary: ButtonStyle.Secondary,
  success: ButtonStyle.Success,
  danger: ButtonStyle.Danger,
};

/** The card's buttons, from the transition table (src/domain/transitions.ts); Answer while a question waits. */
export function taskButtons(task: TaskView, requireReview: boolean): APIButtonComponent[] {
  const state = {
    status: task.status,
    assigned: task.assigneeId !== null,
    waitingForAnswer: task.question !== null,
  };
  return cardButtonsFor(state).map(({ button }) => ({
    type: ComponentType.Button,
    style: STYLES[button.style],
    label: requireReview ? button.label : (button.labelWithoutReview ?? button.label),
    custom_id: encodeCustomId({
      kind: "card",
      action: button.id,
      taskId: task.id,
      number: task.number,
      version: task.version,
    }),
  }));
}
