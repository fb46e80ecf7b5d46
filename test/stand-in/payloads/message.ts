import type { StoredMessage } from "../state/messages.ts";
import type { World } from "../state/world.ts";
import type {
  ApiInteractionMetadata,
  ApiMessage,
  ApiMessageReference,
  ApiUser,
  JsonObject,
  Snowflake,
} from "../types.ts";
import { walk } from "../validate/components.ts";
import { MessageFlag } from "../validate/message-body.ts";
import { keptAttachments } from "./attachments.ts";
import type { MentionFields } from "./mentions.ts";
import { discordTimestamp } from "./timestamps.ts";

/** Flags a sender may set; the rest are Discord's to set. */
const SETTABLE_FLAGS =
  MessageFlag.SuppressEmbeds |
  MessageFlag.SuppressNotifications |
  MessageFlag.IsComponentsV2 |
  MessageFlag.Ephemeral;

export const MessageType = {
  Default: 0,
  Reply: 19,
  ChatInputCommand: 20,
  ContextMenuCommand: 23,
} as const;

export interface NewMessage {
  id: Snowflake;
  channelId: Snowflake;
  author: ApiUser;
  body: JsonObject;
  type: number;
  mentions: MentionFields;
  extraFlags?: number;
  attachments?: JsonObject[];
  webhookId?: Snowflake;
  applicationId?: Snowflake;
  interactionMetadata?: ApiInteractionMetadata;
  reference?: ApiMessageReference;
  referencedMessage?: ApiMessage | null;
}

export function buildMessage(input: NewMessage): ApiMessage {
  const { body } = input;
  const message: ApiMessage = {
    id: input.id,
    type: input.type,
    channel_id: input.channelId,
    author: input.author,
    content: typeof body.content === "string" ? body.content : "",
    timestamp: discordTimestamp(),
    edited_timestamp: null,
    tts: body.tts === true,
    ...input.mentions,
    attachments: input.attachments ?? [],
    embeds: normalizeEmbeds(body.embeds),
    components: withComponentIds(body.components),
    pinned: false,
    flags: ((typeof body.flags === "number" ? body.flags : 0) & SETTABLE_FLAGS) | (input.extraFlags ?? 0),
  };
  if (body.nonce !== undefined && body.nonce !== null) message.nonce = body.nonce as string | number;
  if (input.webhookId) message.webhook_id = input.webhookId;
  if (input.applicationId) message.application_id = input.applicationId;
  if (input.interactionMetadata) message.interaction_metadata = input.interactionMetadata;
  if (input.reference) {
    message.message_reference = input.reference;
    message.referenced_message = input.referencedMessage ?? null;
  }
  return message;
}

/** PATCH semantics: fields present replace, absent stay; `null` clears. */
export function applyEdit(
  current: ApiMessage,
  body: JsonObject,
  mentions: MentionFields | null,
  uploaded: JsonObject[] = [],
): ApiMessage {
  const next: ApiMessage = { ...current, edited_timestamp: discordTimestamp() };
  if ("content" in body) next.content = typeof body.content === "string" ? body.content : "";
  if ("embeds" in body) next.embeds = normalizeEmbeds(body.embeds);
  if ("components" in body) next.components = withComponentIds(body.components);
  next.attachments = [...keptAttachments(current.attachments, body), ...uploaded];
  if (typeof body.flags === "number") {
    const keep = current.flags & ~(MessageFlag.SuppressEmbeds | MessageFlag.IsComponentsV2);
    next.flags = keep | (body.flags & (MessageFlag.SuppressEmbeds | MessageFlag.IsComponentsV2));
  }
  if (mentions) Object.assign(next, mentions);
  // editing a deferred ("thinking…") response turns it into the real message
  next.flags &= ~MessageFlag.Loading;
  return next;
}

/** The message as the gateway sends it: with guild_id, the author's member, and members on mentions. */
export function gatewayMessage(world: World, stored: StoredMessage): JsonObject {
  const { message } = stored;
  const guild = world.findGuild(stored.guildId);
  const memberOf = (userId: string) => {
    const fields = guild?.members.get(userId);
    return fields ? { ...fields } : undefined;
  };
  const payload: JsonObject = {
    ...(message as unknown as JsonObject),
    guild_id: stored.guildId,
    mentions: message.mentions.map((u) => {
      const member = memberOf(u.id);
      return (member ? { ...u, member } : { ...u }) as unknown as JsonObject;
    }),
  };
  const member = message.webhook_id ? undefined : memberOf(message.author.id);
  if (member) payload.member = member as unknown as JsonObject;
  return payload;
}

function normalizeEmbeds(value: unknown): JsonObject[] {
  if (!Array.isArray(value)) return [];
  return value.map((e) => ({ type: "rich", ...(e as JsonObject) }));
}

/** Discord numbers components that come without an `id`, depth first, skipping ids already taken. */
function withComponentIds(value: unknown): JsonObject[] {
  if (!Array.isArray(value)) return [];
  const components = structuredClone(value) as JsonObject[];
  const taken = new Set<number>();
  walk(components, [], (c) => {
    if (typeof c.id === "number") taken.add(c.id);
  });
  let next = 1;
  walk(components, [], (c) => {
    if (typeof c.id === "number") return;
    while (taken.has(next)) next++;
    c.id = next;
    taken.add(next);
  });
  return components;
}
