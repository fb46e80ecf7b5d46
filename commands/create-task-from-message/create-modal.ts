import type { ModalSubmitInteraction } from "discord.js";
import { cardDepsOf } from "../../src/discord/cards/card-deps.ts";
import { replyWithNew } from "../../src/discord/cards/reply-with-new.ts";
import type { CustomId } from "../../src/discord/custom-id.ts";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { modalText } from "../../src/discord/modal-fields.ts";
import type { CreateTaskInput } from "../../src/services/contracts.ts";
import { CREATE_FORM_FIELDS } from "./context-menu.ts";

/** The submitted form creates the task in this channel; the reply is its public card. */
export async function run(
  interaction: ModalSubmitInteraction,
  _id: Extract<CustomId, { kind: "create_modal" }>,
  ctx: HandlerContext,
): Promise<void> {
  const field = (name: string) => modalText(interaction, name).trim();
  const input: CreateTaskInput = { title: field(CREATE_FORM_FIELDS.title) };
  const description = field(CREATE_FORM_FIELDS.description);
  const labels = field(CREATE_FORM_FIELDS.labels);
  const due = field(CREATE_FORM_FIELDS.due);
  if (description) input.description = description;
  if (labels) input.labels = labels;
  if (due) input.due = due;
  const task = await ctx.services.tasks.create(ctx.action, input);
  await replyWithNew(interaction, task, cardDepsOf(ctx));
}
