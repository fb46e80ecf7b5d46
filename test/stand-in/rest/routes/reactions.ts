import type { Core } from "../../core.ts";
import { apiErrors } from "../../errors.ts";
import { Intent } from "../../gateway/intents.ts";
import type { StoredMessage } from "../../state/messages.ts";
import type { JsonObject } from "../../types.ts";
import { noContent, type RouteContext, type RouteDef } from "../router.ts";

/** The bot's own reactions: PUT/DELETE /channels/{c}/messages/{m}/reactions/{emoji}/@me. */
export function reactionRoutes(core: Core): RouteDef[] {
  const route = "/channels/:channelId/messages/:messageId/reactions/:emoji/@me";
  const target = ({
    params,
  }: RouteContext): { stored: StoredMessage; emoji: { id: string | null; name: string } } => {
    if (!core.world.findChannel(params.channelId!)) throw apiErrors.unknownChannel();
    const stored = core.messages.get(params.messageId!);
    if (!stored || stored.deleted || stored.ephemeral || stored.message.channel_id !== params.channelId) {
      throw apiErrors.unknownMessage();
    }
    // custom emojis are "name:id"; unicode ones are the character itself
    const [name, id] = params.emoji!.split(":");
    if (!name) throw apiErrors.unknownEmoji();
    return { stored, emoji: { id: id ?? null, name } };
  };
  const dispatch = (t: string, stored: StoredMessage, emoji: JsonObject) => {
    const botId = core.world.botUser.id;
    core.gateway.dispatchToGuild(stored.guildId, t, (session) =>
      session.has(Intent.GuildMessageReactions)
        ? {
            user_id: botId,
            channel_id: stored.message.channel_id,
            message_id: stored.message.id,
            guild_id: stored.guildId,
            emoji,
            burst: false,
            type: 0,
            ...(t === "MESSAGE_REACTION_ADD" ? { message_author_id: stored.message.author.id } : {}),
          }
        : null,
    );
  };
  return [
    {
      method: "PUT",
      route,
      auth: true,
      handle: (ctx) => {
        const { stored, emoji } = target(ctx);
        stored.message.reactions ??= [];
        const reactions = stored.message.reactions;
        const existing = reactions.find((r) => r.emoji.name === emoji.name && r.emoji.id === emoji.id);
        if (existing?.me) return noContent();
        if (existing) {
          existing.count++;
          existing.me = true;
        } else {
          reactions.push({ count: 1, me: true, emoji });
        }
        dispatch("MESSAGE_REACTION_ADD", stored, emoji);
        return noContent();
      },
    },
    {
      method: "DELETE",
      route,
      auth: true,
      handle: (ctx) => {
        const { stored, emoji } = target(ctx);
        const reactions = stored.message.reactions ?? [];
        const existing = reactions.find((r) => r.emoji.name === emoji.name && r.emoji.id === emoji.id);
        if (!existing?.me) return noContent();
        existing.me = false;
        existing.count--;
        if (existing.count === 0) reactions.splice(reactions.indexOf(existing), 1);
        dispatch("MESSAGE_REACTION_REMOVE", stored, emoji);
        return noContent();
      },
    },
  ];
}
