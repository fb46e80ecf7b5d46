import { StandInUsageError } from "../errors.ts";
import { ALL_PERMISSIONS, PERMISSION_FLAGS } from "../permissions.ts";
import { isSnowflake, SnowflakeGenerator } from "../snowflake.ts";
import {
  type ApiChannel,
  type ApiMember,
  type ApiMemberFields,
  type ApiRole,
  type ApiUser,
  type Snowflake,
  THREAD_TYPES,
} from "../types.ts";

export interface GuildState {
  id: Snowflake;
  name: string;
  ownerId: Snowflake;
  preferredLocale: string;
  joinedAt: string;
  botRoleId: Snowflake;
  channels: Map<Snowflake, ApiChannel>;
  roles: Map<Snowflake, ApiRole>;
  members: Map<Snowflake, ApiMemberFields>;
}

export interface ApplicationState {
  id: Snowflake;
  name: string;
  description: string;
  /** GATEWAY_MESSAGE_CONTENT_LIMITED | GATEWAY_GUILD_MEMBERS_LIMITED: what an unverified bot with the toggles on has */
  flags: number;
  verifyKey: string;
}

/** Users, guilds, channels, roles and members; lookups by id or by name. */
export class World {
  readonly users = new Map<Snowflake, ApiUser>();
  readonly guilds = new Map<Snowflake, GuildState>();
  private readonly channelGuild = new Map<Snowflake, Snowflake>();

  constructor(
    readonly application: ApplicationState,
    readonly botUser: ApiUser,
    readonly ids: SnowflakeGenerator = new SnowflakeGenerator(),
  ) {
    this.users.set(botUser.id, botUser);
  }

  addGuild(guild: GuildState): void {
    this.guilds.set(guild.id, guild);
    for (const channelId of guild.channels.keys()) this.channelGuild.set(channelId, guild.id);
  }

  addChannel(guildId: Snowflake, channel: ApiChannel): void {
    this.requireGuild(guildId).channels.set(channel.id, channel);
    this.channelGuild.set(channel.id, guildId);
  }

  /** A channel (a thread) deleted: unknown from now on. */
  removeChannel(channelId: Snowflake): void {
    const guildId = this.channelGuild.get(channelId);
    if (guildId) this.guilds.get(guildId)?.channels.delete(channelId);
    this.channelGuild.delete(channelId);
  }

  /** A user by id or username. */
  user(ref: string): ApiUser {
    const found = isSnowflake(ref)
      ? this.users.get(ref)
      : [...this.users.values()].find((u) => u.username === ref.replace(/^@/, ""));
    if (!found) throw new StandInUsageError(`unknown user ${ref}; known: ${this.userNames().join(", ")}`);
    return found;
  }

  userNames(): string[] {
    return [...this.users.values()].map((u) => u.username);
  }

  /** A guild by id or name; with one guild, `undefined` means that one. */
  guild(ref?: string): GuildState {
    if (ref === undefined) {
      if (this.guilds.size === 1) return [...this.guilds.values()][0]!;
      throw new StandInUsageError("several guilds exist: name the guild");
    }
    const found = isSnowflake(ref)
      ? this.guilds.get(ref)
      : [...this.guilds.values()].find((g) => g.name === ref);
    if (!found) {
      const names = [...this.guilds.values()].map((g) => g.name).join(", ");
      throw new StandInUsageError(`unknown guild ${ref}; known: ${names}`);
    }
    return found;
  }

  requireGuild(id: Snowflake): GuildState {
    const guild = this.guilds.get(id);
    if (!guild) throw new StandInUsageError(`unknown guild ${id}`);
    return guild;
  }

  findGuild(id: Snowflake): GuildState | undefined {
    return this.guilds.get(id);
  }

  /** A channel by id, or by name (`general` or `#general`) within a guild. */
  channel(ref: string, guildRef?: string): ApiChannel {
    if (isSnowflake(ref)) {
      const guildId = this.channelGuild.get(ref);
      const channel = guildId ? this.guilds.get(guildId)?.channels.get(ref) : undefined;
      if (!channel) throw new StandInUsageError(`unknown channel ${ref}`);
      return channel;
    }
    const name = ref.replace(/^#/, "");
    const guilds = guildRef === undefined ? [...this.guilds.values()] : [this.guild(guildRef)];
    const matches = guilds.flatMap((g) => [...g.channels.values()].filter((c) => c.name === name));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1)
      throw new StandInUsageError(`channel #${name} exists in several guilds: name the guild`);
    throw new StandInUsageError(`unknown channel #${name}`);
  }

  findChannel(id: Snowflake): ApiChannel | undefined {
    const guildId = this.channelGuild.get(id);
    return guildId ? this.guilds.get(guildId)?.channels.get(id) : undefined;
  }

  /** A role by id, or by name (`Reviewer`, `@Reviewer`, `@everyone`) within a guild. */
  role(ref: string, guildRef?: string): ApiRole {
    const guilds = guildRef === undefined ? [...this.guilds.values()] : [this.guild(guildRef)];
    const name = ref.replace(/^@(?!everyone)/, "");
    for (const guild of guilds) {
      const found = isSnowflake(ref)
        ? guild.roles.get(ref)
        : [...guild.roles.values()].find((r) => r.name === name);
      if (found) return found;
    }
    throw new StandInUsageError(`unknown role ${ref}`);
  }

  member(guildId: Snowflake, userId: Snowflake): ApiMember | undefined {
    const fields = this.guilds.get(guildId)?.members.get(userId);
    const user = this.users.get(userId);
    return fields && user ? { user, ...fields } : undefined;
  }

  /** Guild-wide permissions: owner and Administrator have everything. */
  basePermissions(guildId: Snowflake, userId: Snowflake): bigint {
    const guild = this.requireGuild(guildId);
    if (guild.ownerId === userId) return ALL_PERMISSIONS;
    const member = guild.members.get(userId);
    let bits = BigInt(guild.roles.get(guild.id)?.permissions ?? "0");
    for (const roleId of member?.roles ?? []) bits |= BigInt(guild.roles.get(roleId)?.permissions ?? "0");
    return (bits & PERMISSION_FLAGS.Administrator) !== 0n ? ALL_PERMISSIONS : bits;
  }

  /**
   * Permissions in a channel, with overwrites applied in Discord's order (@everyone, roles, member);
   * a thread takes its parent's. Then Discord's implicit rules: without View Channel nothing holds in
   * the channel, and a timed-out member may only view and read history.
   */
  channelPermissions(channelId: Snowflake, userId: Snowflake): bigint {
    let channel = this.findChannel(channelId);
    if (!channel) throw new StandInUsageError(`unknown channel ${channelId}`);
    if (THREAD_TYPES.includes(channel.type) && channel.parent_id)
      channel = this.findChannel(channel.parent_id) ?? channel;
    const base = this.basePermissions(channel.guild_id, userId);
    if (base === ALL_PERMISSIONS) return base;
    const member = this.guilds.get(channel.guild_id)?.members.get(userId);
    const memberRoles = new Set(member?.roles ?? []);
    let bits = base;
    const everyone = channel.permission_overwrites.find((o) => o.id === channel.guild_id);
    if (everyone) bits = (bits & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
    let allow = 0n;
    let deny = 0n;
    for (const o of channel.permission_overwrites) {
      if (o.type === 0 && memberRoles.has(o.id)) {
        allow |= BigInt(o.allow);
        deny |= BigInt(o.deny);
      }
    }
    bits = (bits & ~deny) | allow;
    const own = channel.permission_overwrites.find((o) => o.type === 1 && o.id === userId);
    if (own) bits = (bits & ~BigInt(own.deny)) | BigInt(own.allow);
    if ((bits & PERMISSION_FLAGS.ViewChannel) === 0n) return 0n;
    const until = member?.communication_disabled_until;
    if (until && Date.parse(until) > Date.now())
      return bits & (PERMISSION_FLAGS.ViewChannel | PERMISSION_FLAGS.ReadMessageHistory);
    return bits;
  }
}
