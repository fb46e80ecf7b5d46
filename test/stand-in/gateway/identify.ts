import { gatewayGuild } from "../payloads/guild.ts";
import { shardForGuild } from "../snowflake.ts";
import type { World } from "../state/world.ts";
import type { JsonObject } from "../types.ts";
import { CloseCode, Intent, KNOWN_INTENTS, PRIVILEGED_INTENTS } from "./intents.ts";
import type { GatewaySession } from "./session.ts";

export interface Refusal {
  code: number;
  reason: string;
}

/** The checks behind IDENTIFY's close codes: token (4004), intents (4013/4014), shard (4010). */
export function validateIdentify(
  d: JsonObject,
  config: { token: string | undefined; allowedPrivilegedIntents: number },
): Refusal | undefined {
  const token = typeof d.token === "string" ? d.token : "";
  if (!token || (config.token !== undefined && token !== config.token)) {
    return { code: CloseCode.AuthenticationFailed, reason: "Authentication failed." };
  }
  const intents = d.intents;
  if (typeof intents !== "number" || !Number.isInteger(intents) || (intents & ~KNOWN_INTENTS) !== 0) {
    return { code: CloseCode.InvalidIntents, reason: "Invalid intent(s)." };
  }
  if ((intents & PRIVILEGED_INTENTS & ~config.allowedPrivilegedIntents) !== 0) {
    return { code: CloseCode.DisallowedIntents, reason: "Disallowed intent(s)." };
  }
  if (d.shard !== undefined) {
    const shard = d.shard as number[];
    const [id, count] = shard;
    if (
      !Array.isArray(shard) ||
      typeof id !== "number" ||
      typeof count !== "number" ||
      count < 1 ||
      id >= count
    ) {
      return { code: CloseCode.InvalidShard, reason: "Invalid shard." };
    }
  }
  return undefined;
}

/** READY, then one GUILD_CREATE per guild of the session's shard (when the GUILDS intent is set). */
export function readyPayloads(
  world: World,
  session: GatewaySession,
  resumeUrl: string,
): { t: string; d: JsonObject }[] {
  const [shardId, shardCount] = session.shard;
  const guilds = [...world.guilds.values()].filter((g) => shardForGuild(g.id, shardCount) === shardId);
  const ready: JsonObject = {
    v: 10,
    user_settings: {},
    user: { ...world.botUser, verified: true, mfa_enabled: false, email: null } as unknown as JsonObject,
    guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
    session_id: session.id,
    session_type: "normal",
    resume_gateway_url: resumeUrl,
    shard: [shardId, shardCount],
    application: { id: world.application.id, flags: world.application.flags },
    presences: [],
    private_channels: [],
    relationships: [],
    guild_join_requests: [],
    geo_ordered_rtc_regions: ["local"],
    auth: {},
    _trace: ['["stand-in-gateway",{"micros":0}]'],
  };
  const payloads = [{ t: "READY", d: ready }];
  if (!session.has(Intent.Guilds)) return payloads;
  for (const guild of guilds) {
    payloads.push({ t: "GUILD_CREATE", d: gatewayGuild(world, guild, session.has(Intent.GuildPresences)) });
  }
  return payloads;
}
