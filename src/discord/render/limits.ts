import type {
  APIActionRowComponent,
  APIApplicationCommandOptionChoice,
  APIButtonComponent,
  APIEmbed,
} from "discord.js";
import { CUSTOM_ID_MAX_LENGTH } from "../custom-id.ts";

/** Discord's documented limits, enforced before anything is sent (a 400 is never how we learn them). */
export const LIMITS = {
  customId: CUSTOM_ID_MAX_LENGTH,
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedsTotal: 6000,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  modalTitle: 45,
  textInputLabel: 45,
  textInputValue: 4000,
  choices: 25,
  choiceName: 100,
} as const;

const ELLIPSIS = "…";

/** Cuts text to at most `max` UTF-16 units, visibly (ends with …), never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  let cut = text.slice(0, max - 1);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut + ELLIPSIS;
}

export function fitContent(text: string): string {
  return truncate(text, LIMITS.content);
}

export function fitModalTitle(text: string): string {
  return truncate(text, LIMITS.modalTitle);
}

/** Characters Discord counts toward the 6000 per message. */
export function embedLength(embed: APIEmbed): number {
  let total = (embed.title ?? "").length + (embed.description ?? "").length;
  total += (embed.footer?.text ?? "").length + (embed.author?.name ?? "").length;
  for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  return total;
}

/** Each part within its limit, at most 25 fields, and the whole within `budget` (default 6000). */
export function fitEmbed(embed: APIEmbed, budget: number = LIMITS.embedsTotal): APIEmbed {
  const fitted: APIEmbed = { ...embed };
  if (fitted.title !== undefined) fitted.title = truncate(fitted.title, LIMITS.embedTitle);
  if (fitted.description !== undefined)
    fitted.description = truncate(fitted.description, LIMITS.embedDescription);
  if (fitted.footer)
    fitted.footer = { ...fitted.footer, text: truncate(fitted.footer.text, LIMITS.footerText) };
  if (fitted.author)
    fitted.author = { ...fitted.author, name: truncate(fitted.author.name, LIMITS.authorName) };
  if (fitted.fields) {
    fitted.fields = fitted.fields.slice(0, LIMITS.embedFields).map((field) => ({
      ...field,
      name: truncate(field.name, LIMITS.fieldName) || "\u200b",
      value: truncate(field.value, LIMITS.fieldValue) || "\u200b",
    }));
  }
  return shrinkToBudget(fitted, budget);
}

/** Over budget, parts give way in this order: description, field values, whole fields, footer, author, title. */
function shrinkToBudget(embed: APIEmbed, budget: number): APIEmbed {
  let excess = embedLength(embed) - budget;
  const shrink = (text: string, floor: number): string => {
    const keep = Math.max(floor, text.length - excess);
    if (keep >= text.length) return text;
    excess -= text.length - keep;
    return truncate(text, keep);
  };
  if (excess > 0 && embed.description) embed.description = shrink(embed.description, 0) || undefined;
  const fields = embed.fields ?? [];
  for (let index = fields.length - 1; index >= 0 && excess > 0; index -= 1) {
    fields[index] = { ...fields[index]!, value: shrink(fields[index]!.value, 1) };
  }
  while (excess > 0 && fields.length > 0) {
    const dropped = fields.pop()!;
    excess -= dropped.name.length + dropped.value.length;
  }
  if (excess > 0 && embed.footer) {
    const text = shrink(embed.footer.text, 0);
    embed.footer = text ? { ...embed.footer, text } : undefined;
  }
  if (excess > 0 && embed.author) {
    excess -= embed.author.name.length;
    embed.author = undefined;
  }
  if (excess > 0 && embed.title) embed.title = shrink(embed.title, 0) || undefined;
  return embed;
}

/** Several embeds in one message share the 6000-character budget; one left with nothing is dropped. */
export function fitEmbeds(embeds: APIEmbed[]): APIEmbed[] {
  let remaining: number = LIMITS.embedsTotal;
  const fitted: APIEmbed[] = [];
  for (const embed of embeds.slice(0, 10)) {
    const candidate = fitEmbed(embed, Math.max(0, remaining));
    if (embedLength(candidate) === 0 && embedLength(embed) > 0) continue;
    remaining -= embedLength(candidate);
    fitted.push(candidate);
  }
  return fitted;
}

/**
 * Buttons into rows of at most 5, at most 5 rows; labels truncated. A custom_id over 100 characters is
 * a bug in our own code, so it throws rather than being cut (a cut id would no longer parse).
 */
export function fitButtonRows(buttons: APIButtonComponent[]): APIActionRowComponent<APIButtonComponent>[] {
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  const fitted = buttons.slice(0, LIMITS.actionRows * LIMITS.buttonsPerRow).map((button) => {
    if ("custom_id" in button && button.custom_id.length > LIMITS.customId)
      throw new Error(`custom_id over ${LIMITS.customId} characters: ${button.custom_id}`);
    return "label" in button && button.label !== undefined
      ? { ...button, label: truncate(button.label, LIMITS.buttonLabel) }
      : button;
  });
  for (let start = 0; start < fitted.length; start += LIMITS.buttonsPerRow) {
    rows.push({ type: 1, components: fitted.slice(start, start + LIMITS.buttonsPerRow) });
  }
  return rows;
}

/** The final check on rows already built: at most 5 rows of at most 5 buttons, labels within 80. */
export function fitComponents(
  rows: APIActionRowComponent<APIButtonComponent>[],
): APIActionRowComponent<APIButtonComponent>[] {
  return rows
    .slice(0, LIMITS.actionRows)
    .map((row) => fitButtonRows(row.components.slice(0, LIMITS.buttonsPerRow))[0])
    .filter((row): row is APIActionRowComponent<APIButtonComponent> => row !== undefined);
}

export function fitChoices<T extends string | number>(
  choices: APIApplicationCommandOptionChoice<T>[],
): APIApplicationCommandOptionChoice<T>[] {
  return choices
    .slice(0, LIMITS.choices)
    .map((choice) => ({ ...choice, name: truncate(choice.name, LIMITS.choiceName) || "…" }));
}
