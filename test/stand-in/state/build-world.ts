import { randomBytes } from "node:crypto";
import { StandInUsageError } from "../errors.ts";
import { newMember, newRole, newTextChannel, newThreadChannel, newUser } from "../payloads/entities.ts";
import { discordTimestamp } from "../payloads/timestamps.ts";
import { DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, permissionBits } from "../permissions.ts";
import { SnowflakeGenerator } from "../snowflake.ts";
import type { ApiOverwrite, ApiRole, ApiUser, Snowflake } from "../types.ts";
import { type GuildState, World } from "./world.ts";
import type { ChannelSpec, GuildSpec, MemberSpec, WorldSpec } from "./world-spec.ts";

/** GATEWAY_GUILD_MEMBERS_LIMITED (1 << 15) | GATEWAY_MESSAGE_CONTENT_LIMITED (1 << 19) */
const APPLICATION_FLAGS = (1 << 15) | (1 << 19);

export const DEFAULT_WORLD: WorldSpec = {
  guilds: [{ name: "Stand-in Server", channels: ["general"], members: ["alice"] }],
};

export function buildWorld(spec: WorldSpec): World {
  const ids = new SnowflakeGenerator();
  const applicationId = spec.application?.id ?? ids.next();
  const name = spec.application?.name ?? "Tasklane";
  // Bots made since 2020 have a user id equal to their application id.
  const botUser = newUser(applicationId, spec.application?.botUsername ?? name, { bot: true });
  const world = new World(
    {
      id: applicationId,
      name,
      description: "",
      flags: APPLICATION_FLAGS,
      verifyKey: randomBytes(32).toString("hex"),
    },
    botUser,
    ids,
  );
  for (const guildSpec of spec.guilds ?? []) addGuildFromSpec(world, guildSpec);
  return world;
}

export function addGuildFromSpec(world: World, spec: GuildSpec): GuildState {
  const guildId = spec.id ?? world.ids.next();
  const createdAt = Date.now();
  const roles = new Map<Snowflake, ApiRole>();
  roles.set(
    guildId,
    newRole(
      guildId,
      "@everyone",
      0,
      permissionBits(spec.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS),
    ),
  );
  for (const [i, r] of (spec.roles ?? []).entries()) {
    const id = r.id ?? world.ids.next();
    roles.set(id, newRole(id, r.name, i + 1, permissionBits(r.permissions ?? []), r));
  }
  const botRoleId = world.ids.next();
  const botPermissions = permissionBits(spec.botPermissions ?? DEFAULT_BOT_PERMISSIONS);
  roles.set(
    botRoleId,
    newRole(botRoleId, world.application.name, roles.size, botPermissions, {
      managed: true,
      botId: world.botUser.id,
    }),
  );

  const guild: GuildState = {
    id: guildId,
    name: spec.name,
    ownerId: "",
    preferredLocale: spec.locale ?? "en-US",
    joinedAt: discordTimestamp(createdAt),
    botRoleId,
    channels: new Map(),
    roles,
    members: new Map(),
  };
  const roleId = (name: string) => {
    const found = [...roles.values()].find(
      (r) => r.name === name || (name === "everyone" && r.id === guildId),
    );
    if (!found) throw new StandInUsageError(`guild ${spec.name}: unknown role ${name}`);
    return found.id;
  };

  const memberSpecs = (spec.members ?? []).map(
    (m): MemberSpec => (typeof m === "string" ? { username: m } : m),
  );
  if (memberSpecs.length === 0 && !spec.owner) memberSpecs.push({ username: "owner" });
  for (const m of memberSpecs) {
    const user = userFor(world, m);
    guild.members.set(user.id, newMember((m.roles ?? []).map(roleId), createdAt, m.nick ?? null));
  }
  guild.members.set(world.botUser.id, newMember([botRoleId], createdAt));
  const ownerName = spec.owner ?? memberSpecs[0]!.username;
  const owner = [...world.users.values()].find((u) => u.username === ownerName);
  if (!owner || !guild.members.has(owner.id)) {
    throw new StandInUsageError(`guild ${spec.name}: owner ${ownerName} must be a member`);
  }
  guild.ownerId = owner.id;

  const channelSpecs = (spec.channels ?? ["general"]).map(
    (c): ChannelSpec => (typeof c === "string" ? { name: c } : c),
  );
  for (const [position, c] of channelSpecs.entries()) {
    const overwrites = (c.overwrites ?? []).map((o): ApiOverwrite => {
      const allow = permissionBits(o.allow ?? []).toString();
      const deny = permissionBits(o.deny ?? []).toString();
      if (o.member) return { id: world.user(o.member).id, type: 1, allow, deny };
      return {
        id: roleId(o.role === "@everyone" ? "@everyone" : (o.role ?? "@everyone")),
        type: 0,
        allow,
        deny,
      };
    });
    const id = c.id ?? world.ids.next();
    const channel = newTextChannel(id, guildId, c.name.replace(/^#/, ""), position, { ...c, overwrites });
    if (c.defaultAutoArchiveDuration !== undefined)
      channel.default_auto_archive_duration = c.defaultAutoArchiveDuration;
    guild.channels.set(id, channel);
    for (const name of c.threads ?? []) {
      const threadId = world.ids.next();
      guild.channels.set(threadId, newThreadChannel(threadId, channel, name, guild.ownerId, guild.joinedAt));
    }
  }
  world.addGuild(guild);
  return guild;
}

function userFor(world: World, m: MemberSpec): ApiUser {
  const existing = [...world.users.values()].find((u) => u.username === m.username);
  if (existing) return existing;
  const user = newUser(m.id ?? world.ids.next(), m.username, {
    bot: m.bot ?? false,
    globalName: m.globalName,
  });
  world.users.set(user.id, user);
  return user;
}
