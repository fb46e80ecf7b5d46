import type { ActionContext, Actor, Permission } from "../../../src/services/types.ts";
import type { EventSource } from "../../../src/store/schema.ts";
import type { Harness } from "./harness.ts";

let counter = 0n;
const base = 100_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e9)) * 1_000_000n;

/** A fresh Discord-looking id (18 digits), unique within the run of a file. */
export function snowflake(): string {
  counter += 1n;
  return String(base + counter);
}

export function user(permissions: Permission[] = [], roleIds: string[] = []): Actor {
  return { userId: snowflake(), roleIds, permissions };
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
