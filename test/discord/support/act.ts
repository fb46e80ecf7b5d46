import type { ApiMessage } from "../../stand-in/index.ts";
import type { AttachmentInput } from "../../stand-in/interactions/command-options.ts";
import type { BotUnderTest } from "./boot-bot.ts";

/** A file is attached as `{ filename, content }` (the stand-in serves it at a CDN URL). */
type OptionValue = string | number | boolean | AttachmentInput;

export interface Where {
  userId: string;
  channelId?: string;
  guildId?: string;
  /** Send even what Discord's client would not show this member (e.g. a command hidden by permissions). */
  unchecked?: boolean;
}

/** `/task create` as `alice` in #general of HQ: `slash(bot, { userId: "alice" }, "task create", { title })`. */
export function slash(
  bot: BotUnderTest,
  where: Where,
  command: string,
  options: Record<string, OptionValue> = {},
) {
  const [name, ...rest] = command.split(" ");
  const [group, subcommand] = rest.length === 2 ? rest : [undefined, rest[0]];
  return bot.discord.sendSlashCommand({
    guildId: where.guildId ?? "HQ",
    channelId: where.channelId ?? "general",
    userId: where.userId,
    name: name!,
    ...(group ? { group } : {}),
    ...(subcommand ? { subcommand } : {}),
    options,
    ...(where.unchecked ? { unchecked: true } : {}),
  });
}

/** Creates a task and answers its public card (the interaction's reply). */
export async function createTask(
  bot: BotUnderTest,
  where: Where,
  options: Record<string, OptionValue>,
): Promise<ApiMessage> {
  const card = await slash(bot, where, "task create", options).reply();
  if (card.flags & 64) throw new Error(`task create was refused: ${card.content}`);
  return card;
}

export const buttonLabels = (message: ApiMessage): string[] =>
  message.components.flatMap((row) =>
    ((row.components ?? []) as { label?: string }[]).map((button) => button.label ?? ""),
  );

export const customIds = (message: ApiMessage): string[] =>
  message.components.flatMap((row) =>
    ((row.components ?? []) as { custom_id?: string }[]).map((button) => button.custom_id ?? ""),
  );

export const embedOf = (message: ApiMessage) =>
  message.embeds[0] as {
    title?: string;
    description?: string;
    footer?: { text: string };
    fields?: { name: string; value: string }[];
  };

export const fieldOf = (message: ApiMessage, name: string): string | undefined =>
  embedOf(message)?.fields?.find((field) => field.name === name)?.value;

export const isEphemeral = (message: ApiMessage): boolean => (message.flags & 64) !== 0;

/** The card message as it is now in the channel. */
export function currentMessage(bot: BotUnderTest, id: string): ApiMessage {
  const message = bot.discord.message(id);
  if (!message) throw new Error(`no message ${id}`);
  return message;
}

/** Waits until the card satisfies `ready` (edited by a click or by the outbox dispatcher). */
export async function waitForCard(
  bot: BotUnderTest,
  cardId: string,
  ready: (message: ApiMessage) => boolean,
): Promise<ApiMessage> {
  const now = bot.discord.message(cardId);
  if (now && ready(now)) return now;
  return bot.discord.waitForMessage(
    { kind: "update", where: (message) => message.id === cardId && ready(message) },
    { timeoutMs: 10_000 },
  );
}

export const waitForCardStatus = (bot: BotUnderTest, cardId: string, status: string) =>
  waitForCard(bot, cardId, (message) => (fieldOf(message, "Status") ?? "").startsWith(status));

/** True when `expected` appears in `actual` in order (other items may come between). */
export function inOrder<T>(actual: readonly T[], expected: readonly T[]): boolean {
  let next = 0;
  for (const item of actual) if (next < expected.length && item === expected[next]) next += 1;
  return next === expected.length;
}
