import type { Gateway } from "../gateway/gateway.ts";
import { Intent } from "../gateway/intents.ts";
import type { GatewaySession } from "../gateway/session.ts";
import { uploadedAttachments } from "../payloads/attachments.ts";
import { resolveMentions } from "../payloads/mentions.ts";
import { applyEdit, buildMessage, gatewayMessage, type NewMessage } from "../payloads/message.ts";
import type { UploadedFile } from "../rest/read-body.ts";
import type {
  ApiAllowedMentions,
  ApiInteractionMetadata,
  ApiMessageReference,
  JsonObject,
  Snowflake,
} from "../types.ts";
import type { Cdn } from "./cdn.ts";
import type { MessageStore, StoredMessage } from "./messages.ts";
import type { World } from "./world.ts";

export type MessageEventKind = "create" | "update" | "delete";

export interface MessageEvent {
  kind: MessageEventKind;
  stored: StoredMessage;
}

export interface BotMessageInput {
  channelId: Snowflake;
  body: JsonObject;
  type: number;
  ephemeral?: boolean;
  visibleTo?: Snowflake;
  interactionId?: Snowflake;
  interactionMetadata?: ApiInteractionMetadata;
  /** a webhook message (interaction responses are): webhook_id and application_id are set */
  viaWebhook?: boolean;
  extraFlags?: number;
  reference?: ApiMessageReference;
  /** files uploaded with a multipart body */
  files?: UploadedFile[];
}

/** Creating, editing and deleting messages: mentions computed, state stored, gateway events dispatched. */
export class Messaging {
  constructor(
    private readonly world: World,
    private readonly messages: MessageStore,
    private readonly gateway: Gateway,
    private readonly cdn: Cdn,
    private readonly emit: (event: MessageEvent) => void,
  ) {}

  createBotMessage(input: BotMessageInput): StoredMessage {
    const channel = this.world.findChannel(input.channelId)!;
    const bot = this.world.botUser;
    const referenced = input.reference?.message_id
      ? this.messages.get(input.reference.message_id)
      : undefined;
    const allowedMentions = input.body.allowed_mentions as ApiAllowedMentions | undefined;
    const mentions = resolveMentions(this.world, {
      guildId: channel.guild_id,
      channelId: channel.id,
      authorId: bot.id,
      content: typeof input.body.content === "string" ? input.body.content : "",
      ...(allowedMentions ? { allowedMentions } : {}),
      ...(referenced ? { repliedUserId: referenced.message.author.id } : {}),
    });
    const files = input.files ?? [];
    const spec: NewMessage = {
      id: this.world.ids.next(),
      ...(files.length > 0
        ? { attachments: uploadedAttachments(this.world, this.cdn, channel.id, files, input.body) }
        : {}),
      channelId: channel.id,
      author: bot,
      body: input.body,
      type: input.type,
      mentions,
      ...(input.extraFlags ? { extraFlags: input.extraFlags } : {}),
      ...(input.viaWebhook
        ? { webhookId: this.world.application.id, applicationId: this.world.application.id }
        : {}),
      ...(input.interactionMetadata ? { interactionMetadata: input.interactionMetadata } : {}),
      ...(input.reference
        ? { reference: input.reference, referencedMessage: referenced?.message ?? null }
        : {}),
    };
    const stored: StoredMessage = {
      message: buildMessage(spec),
      guildId: channel.guild_id,
      ephemeral: input.ephemeral ?? false,
      versions: [],
      deleted: false,
      sentBy: "bot",
      ...(input.visibleTo ? { visibleTo: input.visibleTo } : {}),
      ...(input.interactionId ? { interactionId: input.interactionId } : {}),
      ...(allowedMentions ? { allowedMentions } : {}),
    };
    return this.publish(stored);
  }

  /** A message from a member, as their Discord client would send it. */
  createUserMessage(input: {
    channelId: Snowflake;
    authorId: Snowflake;
    content: string;
    replyTo?: StoredMessage;
    mentionRepliedUser?: boolean;
  }): StoredMessage {
    const channel = this.world.findChannel(input.channelId)!;
    const reply = input.replyTo;
    const mentions = resolveMentions(this.world, {
      guildId: channel.guild_id,
      channelId: channel.id,
      authorId: input.authorId,
      content: input.content,
      ...(reply && input.mentionRepliedUser !== false ? { repliedUserId: reply.message.author.id } : {}),
    });
    const reference: ApiMessageReference | undefined = reply
      ? { type: 0, message_id: reply.message.id, channel_id: channel.id, guild_id: channel.guild_id }
      : undefined;
    const message = buildMessage({
      id: this.world.ids.next(),
      channelId: channel.id,
      author: this.world.users.get(input.authorId)!,
      body: { content: input.content, nonce: this.world.ids.next() },
      type: reply ? 19 : 0,
      mentions,
      ...(reference ? { reference, referencedMessage: reply!.message } : {}),
    });
    return this.publish({
      message,
      guildId: channel.guild_id,
      ephemeral: false,
      versions: [],
      deleted: false,
      sentBy: "user",
    });
  }

  edit(stored: StoredMessage, body: JsonObject, files: UploadedFile[] = []): StoredMessage {
    const mentionsChanged = "content" in body || "allowed_mentions" in body;
    const allowedMentions =
      (body.allowed_mentions as ApiAllowedMentions | undefined) ?? stored.allowedMentions;
    const content =
      "content" in body ? (typeof body.content === "string" ? body.content : "") : stored.message.content;
    const mentions = mentionsChanged
      ? resolveMentions(this.world, {
          guildId: stored.guildId,
          channelId: stored.message.channel_id,
          authorId: stored.message.author.id,
          content,
          ...(allowedMentions ? { allowedMentions } : {}),
        })
      : null;
    const uploaded = uploadedAttachments(this.world, this.cdn, stored.message.channel_id, files, body);
    this.messages.replace(stored.message.id, applyEdit(stored.message, body, mentions, uploaded));
    if (allowedMentions) stored.allowedMentions = allowedMentions;
    if (!stored.ephemeral) {
      this.dispatch(stored, "MESSAGE_UPDATE", (session) => this.visibleMessage(stored, session));
    }
    this.emit({ kind: "update", stored });
    return stored;
  }

  remove(stored: StoredMessage): void {
    stored.deleted = true;
    if (!stored.ephemeral) {
      this.dispatch(stored, "MESSAGE_DELETE", () => ({
        id: stored.message.id,
        channel_id: stored.message.channel_id,
        guild_id: stored.guildId,
      }));
    }
    this.emit({ kind: "delete", stored });
  }

  private publish(stored: StoredMessage): StoredMessage {
    this.messages.add(stored);
    const channel = this.world.findChannel(stored.message.channel_id);
    if (channel && !stored.ephemeral) channel.last_message_id = stored.message.id;
    if (!stored.ephemeral) {
      this.dispatch(stored, "MESSAGE_CREATE", (session) => this.visibleMessage(stored, session));
    }
    this.emit({ kind: "create", stored });
    return stored;
  }

  private dispatch(stored: StoredMessage, t: string, build: (session: GatewaySession) => JsonObject): void {
    this.gateway.dispatchToGuild(stored.guildId, t, (session) =>
      session.has(Intent.GuildMessages) ? build(session) : null,
    );
  }

  /**
   * Without the MESSAGE_CONTENT intent a bot gets empty content, embeds, attachments and components,
   * except in its own messages and in messages that mention it.
   */
  private visibleMessage(stored: StoredMessage, session: GatewaySession): JsonObject {
    const payload = gatewayMessage(this.world, stored);
    const botId = this.world.botUser.id;
    const exempt =
      session.has(Intent.MessageContent) ||
      stored.message.author.id === botId ||
      stored.message.mentions.some((u) => u.id === botId);
    if (exempt) return payload;
    return { ...payload, content: "", embeds: [], attachments: [], components: [] };
  }
}
