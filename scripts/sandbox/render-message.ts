import type { JsonObject, StoredMessage } from "../../test/stand-in/index.ts";
import { MessageFlag } from "../../test/stand-in/index.ts";
import { renderEmbed } from "./render-embed.ts";
import { type RenderContext, renderText } from "./render-text.ts";
import { wrapText } from "./style.ts";

export type MessageChange = "new" | "edited" | "deleted";

const BUTTON_COLOURS: Record<number, number> = {
  1: 0x5865f2, // primary
  2: 0x80848e, // secondary
  3: 0x57f287, // success
  4: 0xed4245, // danger
  5: 0x00a8fc, // link
};

/** A message as the person at the prompt would see it: who, where, for whom, then text, embeds, buttons. */
export function renderMessage(stored: StoredMessage, change: MessageChange, ctx: RenderContext): string {
  const { style } = ctx;
  const message = stored.message;
  const tags: string[] = [style.dim(`#${ctx.channelName(message.channel_id)}`)];
  if (stored.ephemeral) {
    const who =
      stored.visibleTo === ctx.viewerId ? "only you" : `only ${ctx.userName(stored.visibleTo ?? "")}`;
    tags.push(style.yellow(`(${who})`));
  }
  const meta = message.interaction_metadata;
  if (meta?.name && change === "new") tags.push(style.dim(`↳ ${meta.user.username} used /${meta.name}`));
  if (message.referenced_message)
    tags.push(style.dim(`↳ reply to ${message.referenced_message.author.username}`));
  if (change === "edited") tags.push(style.dim("✎ edited"));
  if (change === "deleted") tags.push(style.dim("✗ deleted"));
  const header = `${style.bold(message.author.username)} ${tags.join(" ")}`;
  if (change === "deleted") return header;

  const indent = (line: string) => (line === "" ? "" : `  ${line}`);
  const width = ctx.width - 2;
  const lines: string[] = [];
  if ((message.flags & MessageFlag.Loading) !== 0)
    lines.push(style.dim(`${message.author.username} is thinking…`));
  if (message.content.trim() !== "") lines.push(...wrapText(renderText(message.content, ctx), width));
  for (const embed of message.embeds) lines.push(...renderEmbed(embed, { ...ctx, width }));
  for (const file of message.attachments as { filename?: string; size?: number }[])
    lines.push(`📎 ${file.filename} (${file.size} bytes)`);
  lines.push(...componentLines(message.components, ctx));
  return [header, ...lines.map(indent)].join("\n");
}

/** Rows of `[Buttons]` in their style's colour (disabled ones dim); select menus as `[▾ …]`. */
export function componentLines(rows: JsonObject[], ctx: RenderContext): string[] {
  const { style } = ctx;
  return rows
    .map((row) =>
      ((row.components ?? []) as JsonObject[])
        .map((c) => {
          if (c.type === 2) {
            const label = `[${String(c.label ?? c.emoji ?? "")}${c.style === 5 ? " ↗" : ""}]`;
            if (c.disabled === true) return style.dim(label);
            return style.bold(style.rgb(BUTTON_COLOURS[Number(c.style)] ?? 0x80848e, label));
          }
          if (c.type === 3 || (typeof c.type === "number" && c.type >= 5 && c.type <= 8))
            return `[▾ ${String(c.placeholder ?? "choose")}]`;
          return "";
        })
        .filter((text) => text !== "")
        .join(" "),
    )
    .filter((line) => line !== "");
}

/** A modal the bot opened, with the line that submits it. */
export function renderModal(modal: JsonObject, ctx: RenderContext): string {
  const { style } = ctx;
  const inputs: JsonObject[] = [];
  for (const c of (modal.components ?? []) as JsonObject[]) {
    if (c.type === 1) inputs.push(...((c.components ?? []) as JsonObject[]).filter((i) => i.type === 4));
    if (c.type === 18 && (c.component as JsonObject | undefined)?.type === 4) {
      inputs.push({
        ...(c.component as JsonObject),
        label: c.label ?? (c.component as JsonObject).label ?? null,
      });
    }
  }
  const lines = [`${style.bold(`▣ ${String(modal.title ?? "Form")}`)} ${style.dim("(a form, only you)")}`];
  for (const input of inputs) {
    const required = input.required !== false ? style.red("*") : "";
    const limits = typeof input.max_length === "number" ? style.dim(` (up to ${input.max_length})`) : "";
    const prefilled =
      typeof input.value === "string" && input.value !== "" ? style.dim(` = "${input.value}"`) : "";
    lines.push(`  ${String(input.label ?? input.custom_id)}${required}${limits}${prefilled}`);
  }
  const example = inputs
    .filter((i) => i.required !== false)
    .map((i) => `${fieldName(i)}:"…"`)
    .join(" ");
  lines.push(style.dim(`  → submit modal ${example}`.trimEnd()));
  return lines.join("\n");
}

/** What a person types for an input: its custom_id's last part (`reason`), or its label. */
export function fieldName(input: JsonObject): string {
  const id = String(input.custom_id ?? "");
  const last = id.split(/[:.]/).pop() ?? id;
  return /^[a-z][a-z0-9_-]*$/.test(last)
    ? last
    : String(input.label ?? id)
        .toLowerCase()
        .replace(/\s+/g, "-");
}
