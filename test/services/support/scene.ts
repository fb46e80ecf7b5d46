import type { ChannelRights, Permission, ServerPermission } from "../../../src/domain/roles.ts";
import { actorEverywhere } from "../../../src/services/actors.ts";
import type { ActionContext, Actor } from "../../../src/services/contracts.ts";
import type { EventSource } from "../../../src/store/schema.ts";
import type { Harness } from "./harness.ts";

let counter = 0n;
const base = 100_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e9)) * 1_000_000n;

/** A fresh Discord-looking id (18 digits), unique within the run of a file. */
export function snowflake(): string {
  counter += 1n;
  return String(base + counter);
}

/** A member with the same rights in every channel (the channel-scoped cases build their own). */
export function user(permissions: Permission[] = [], roleIds: string[] = []): Actor {
  return actorEverywhere({ userId: snowflake(), roleIds, permissions });
}

export type Rights = "view" | "send" | "manage";

/**
 * A member whose rights differ by channel, as the Discord layer would compute them: "view" only
 * reads, "send" also writes, "manage" also holds Manage Channels. Channels not listed: nothing.
 */
export function memberIn(
  channels: Record<string, Rights>,
  { permissions = [], roleIds = [] }: { permissions?: ServerPermission[]; roleIds?: string[] } = {},
): Actor {
  const rights = (channelId: string): ChannelRights => {
    const level = channels[channelId];
    return {
      view: level !== undefined,
      send: level === "send" || level === "manage",
      manageChannels: level === "manage",
    };
  };
  return {
    userId: snowflake(),
    roleIds,
    permissions,
    in: rights,
    viewableChannelIds: () => Object.keys(channels),
  };
}

/**
 * One guild and channel of its own per test, with the usual cast: creator, member, reviewer (by the
 * channel's reviewer role), admin (administrator permission).
 */
export async function newScene(h: Harness, settings: Parameters<Harness["settings"]["update"]>[1] = {}) {
  const guildId = snowflake();
  const channelId = snowflake();
  const reviewerRoleId = snowflake();
  const admin = user(["administrator"]);
  const ctx = (actor: Actor, source: EventSource = "slash", channel = channelId): ActionContext => ({
    guildId,
    channelId: channel,
    actor,
    source,
  });
  await h.settings.update(ctx(admin), { reviewerRoleId, ...settings });
  return {
    guildId,
    channelId,
    reviewerRoleId,
    admin,
    creator: user(),
    member: user(),
    reviewer: user([], [reviewerRoleId]),
    ctx,
  };
}
