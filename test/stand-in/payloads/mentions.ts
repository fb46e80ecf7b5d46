import { hasPermission } from "../permissions.ts";
import type { World } from "../state/world.ts";
import type { ApiAllowedMentions, ApiMessage, Snowflake } from "../types.ts";

export interface MentionInput {
  guildId: Snowflake;
  channelId: Snowflake;
  authorId: Snowflake;
  content: string;
  /** undefined: Discord's default, everything in the content pings */
  allowedMentions?: ApiAllowedMentions;
  /** author of the message this one replies to */
  repliedUserId?: Snowflake;
}

export type MentionFields = Pick<ApiMessage, "mentions" | "mention_roles" | "mention_everyone">;

const USER = /<@!?(\d{17,20})>/g;
const ROLE = /<@&(\d{17,20})>/g;
const EVERYONE = /@(everyone|here)\b/;

/**
 * Who a message actually pings, as Discord computes the message's `mentions`, `mention_roles` and
 * `mention_everyone`: what the content mentions, filtered by allowed_mentions, and for roles and
 * @everyone by whether the author may ping them.
 */
export function resolveMentions(world: World, input: MentionInput): MentionFields {
  const am = input.allowedMentions;
  const parse = new Set(am ? (am.parse ?? []) : ["users", "roles", "everyone"]);
  const allowUser = (id: string) => parse.has("users") || (am?.users ?? []).includes(id);
  const allowRole = (id: string) => parse.has("roles") || (am?.roles ?? []).includes(id);
  const repliedAllowed = am ? am.replied_user === true : true;
  const guild = world.findGuild(input.guildId);
  const canPingAll = hasPermission(
    world.channelPermissions(input.channelId, input.authorId),
    "MentionEveryone",
  );

  const userIds = new Set<string>();
  for (const [, id] of input.content.matchAll(USER)) {
    if (id && world.users.has(id) && allowUser(id)) userIds.add(id);
  }
  if (input.repliedUserId && repliedAllowed && world.users.has(input.repliedUserId)) {
    userIds.add(input.repliedUserId);
  }
  const roleIds = new Set<string>();
  for (const [, id] of input.content.matchAll(ROLE)) {
    const role = id ? guild?.roles.get(id) : undefined;
    if (role && allowRole(role.id) && (role.mentionable || canPingAll)) roleIds.add(role.id);
  }
  return {
    mentions: [...userIds].map((id) => world.users.get(id)!),
    mention_roles: [...roleIds],
    mention_everyone: EVERYONE.test(input.content) && parse.has("everyone") && canPingAll,
  };
}
