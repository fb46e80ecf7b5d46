import type { Core } from "../../core.ts";
import { apiErrors, FormErrors } from "../../errors.ts";
import { MessageType } from "../../payloads/message.ts";
import { hasPermission } from "../../permissions.ts";
import type { StoredMessage } from "../../state/messages.ts";
import { threadPayload } from "../../state/threads.ts";
import {
  type ApiChannel,
  type ApiMessageReference,
  type Json,
  type JsonObject,
  THREAD_TYPES,
} from "../../types.ts";
import { isEmptyMessage, validateMessageBody } from "../../validate/message-body.ts";
import { created, noContent, ok, type RouteContext, type RouteDef } from "../router.ts";

/** Channel messages: create (with nonce/enforce_nonce), list, get, edit, delete; a thread started on one. */
export function channelMessageRoutes(core: Core): RouteDef[] {
  const botId = core.world.botUser.id;
  const channelFor = ({ params }: RouteContext): ApiChannel => {
    const channel = core.world.findChannel(params.channelId!);
    if (!channel) throw apiErrors.unknownChannel();
    if (!hasPermission(core.world.channelPermissions(channel.id, botId), "ViewChannel"))
      throw apiErrors.missingAccess();
    return channel;
  };
  const messageFor = (ctx: RouteContext): StoredMessage => {
    const channel = channelFor(ctx);
    const stored = core.messages.get(ctx.params.messageId!);
    if (!stored || stored.deleted || stored.ephemeral || stored.message.channel_id !== channel.id) {
      throw apiErrors.unknownMessage();
    }
    return stored;
  };
  const base = "/channels/:channelId/messages";
  return [
    {
      method: "POST",
      route: base,
      auth: true,
      handle: (ctx) => ok(createChannelMessage(core, channelFor(ctx), ctx).message as unknown as Json),
    },
    {
      method: "GET",
      route: base,
      auth: true,
      handle: (ctx) => {
        const channel = channelFor(ctx);
        const limit = Math.min(100, Math.max(1, Number(ctx.query.get("limit") ?? 50)));
        const before = ctx.query.get("before");
        const after = ctx.query.get("after");
        let list = core.messages.inChannel(channel.id).map((m) => m.message);
        if (before) list = list.filter((m) => BigInt(m.id) < BigInt(before));
        if (after) list = list.filter((m) => BigInt(m.id) > BigInt(after));
        const page = after ? list.slice(0, limit) : list.slice(-limit);
        return ok(page.reverse() as unknown as Json);
      },
    },
    {
      method: "GET",
      route: `${base}/:messageId`,
      auth: true,
      handle: (ctx) => ok(messageFor(ctx).message as unknown as Json),
    },
    {
      method: "PATCH",
      route: `${base}/:messageId`,
      auth: true,
      handle: (ctx) => {
        const stored = messageFor(ctx);
        if (stored.message.author.id !== botId) throw apiErrors.cannotEditOthersMessage();
        const body = (ctx.body ?? {}) as JsonObject;
        const errors = new FormErrors();
        validateMessageBody(body, errors, []);
        errors.throwIfAny();
        if (isEmptyMessage({ ...(stored.message as unknown as JsonObject), ...body }, ctx.files.length)) {
          throw apiErrors.emptyMessage();
        }
        return ok(core.messaging.edit(stored, body, ctx.files).message as unknown as Json);
      },
    },
    {
      method: "POST",
      route: `${base}/:messageId/threads`,
      auth: true,
      handle: (ctx) => {
        const stored = messageFor(ctx);
        const parent = core.world.findChannel(stored.message.channel_id)!;
        const thread = core.threads.startFromMessage(parent, stored, botId, (ctx.body ?? {}) as JsonObject);
        return created(threadPayload(thread) as Json);
      },
    },
    {
      method: "DELETE",
      route: `${base}/:messageId`,
      auth: true,
      handle: (ctx) => {
        const stored = messageFor(ctx);
        const perms = core.world.channelPermissions(stored.message.channel_id, botId);
        if (stored.message.author.id !== botId && !hasPermission(perms, "ManageMessages"))
          throw apiErrors.missingPermissions();
        core.messaging.remove(stored);
        return noContent();
      },
    },
  ];
}

function createChannelMessage(core: Core, channel: ApiChannel, ctx: RouteContext): StoredMessage {
  const botId = core.world.botUser.id;
  // In a thread, Discord asks for Send Messages in Threads instead.
  const needed = THREAD_TYPES.includes(channel.type) ? "SendMessagesInThreads" : "SendMessages";
  if (!hasPermission(core.world.channelPermissions(channel.id, botId), needed))
    throw apiErrors.missingPermissions();
  const body = (ctx.body ?? {}) as JsonObject;
  const errors = new FormErrors();
  validateMessageBody(body, errors, []);
  const reference = referenceFor(
    core,
    channel,
    body.message_reference as ApiMessageReference | undefined,
    errors,
  );
  errors.throwIfAny();
  if (isEmptyMessage(body, ctx.files.length)) throw apiErrors.emptyMessage();
  if (core.threads.isThread(channel)) core.threads.beforeMessage(channel, botId);
  const nonce = body.nonce as string | number | undefined;
  if (nonce !== undefined && nonce !== null && body.enforce_nonce === true) {
    const earlier = core.messages.byNonce(botId, nonce, core.settings.nonceWindowMs);
    if (earlier) return earlier;
  }
  const stored = core.messaging.createBotMessage({
    channelId: channel.id,
    body,
    type: reference ? MessageType.Reply : MessageType.Default,
    ...(reference ? { reference } : {}),
    files: ctx.files,
  });
  if (nonce !== undefined && nonce !== null) core.messages.rememberNonce(botId, nonce, stored.message.id);
  return stored;
}

/** A reply must point at an existing message, unless `fail_if_not_exists: false` (then it is sent as a plain message). */
function referenceFor(
  core: Core,
  channel: ApiChannel,
  ref: ApiMessageReference | undefined,
  errors: FormErrors,
) {
  if (!ref?.message_id) return undefined;
  const target = core.messages.get(ref.message_id);
  const channelId = ref.channel_id ?? channel.id;
  if (!target || target.deleted || target.ephemeral || target.message.channel_id !== channelId) {
    if (ref.fail_if_not_exists !== false) {
      errors.add(["message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message");
    }
    return undefined;
  }
  return { type: 0, message_id: target.message.id, channel_id: channelId, guild_id: target.guildId };
}
