import {
  type APIActionRowComponent,
  type APITextInputComponent,
  ComponentType,
  type Message,
  type MessageContextMenuCommandInteraction,
  TextInputStyle,
} from "discord.js";
import { encodeCustomId } from "../../src/discord/custom-id.ts";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { truncate } from "../../src/discord/render/limits.ts";

export const CREATE_FORM_FIELDS = {
  title: "title",
  description: "description",
  labels: "labels",
  due: "due",
};
const TITLE_MAX = 200;
const DESCRIPTION_MAX = 4000;

/** "Create task from message": the create form, prefilled from the message, with a link back to it. */
export async function run(
  interaction: MessageContextMenuCommandInteraction,
  _ctx: HandlerContext,
): Promise<void> {
  const { title, description } = prefill(interaction.targetMessage);
  await interaction.showModal({
    custom_id: encodeCustomId({ kind: "create_modal" }),
    title: "Create task from message",
    components: [
      row({
        custom_id: CREATE_FORM_FIELDS.title,
        label: "Title",
        style: TextInputStyle.Short,
        required: true,
        min_length: 1,
        max_length: TITLE_MAX,
        value: title,
      }),
      row({
        custom_id: CREATE_FORM_FIELDS.description,
        label: "Description",
        style: TextInputStyle.Paragraph,
        required: false,
        max_length: DESCRIPTION_MAX,
        value: description,
      }),
      row({
        custom_id: CREATE_FORM_FIELDS.labels,
        label: "Labels (comma-separated)",
        style: TextInputStyle.Short,
        required: false,
        max_length: 400,
      }),
      row({
        custom_id: CREATE_FORM_FIELDS.due,
        label: "Due (2030-03-01 17:00, tomorrow 9:00, 3d)",
        style: TextInputStyle.Short,
        required: false,
        max_length: 100,
      }),
    ],
  });
}

/** Title from the first line of the message; description = the rest, and a link back to the message. */
export function prefill(message: Pick<Message, "content" | "url" | "author">): {
  title: string;
  description: string;
} {
  const [firstLine = "", ...rest] = message.content.trim().split("\n");
  const title = truncate(firstLine.trim() || `Message from ${message.author.username}`, TITLE_MAX);
  const link = `From: ${message.url}`;
  const body = truncate(rest.join("\n").trim(), DESCRIPTION_MAX - link.length - 2);
  return { title, description: body ? `${body}\n\n${link}` : link };
}

function row(input: Omit<APITextInputComponent, "type">): APIActionRowComponent<APITextInputComponent> {
  return { type: ComponentType.ActionRow, components: [{ type: ComponentType.TextInput, ...input }] };
}
