import type { Core } from "../core.ts";
import { StandInUsageError } from "../errors.ts";
import type { ApiCommandOption, Json, JsonObject, Snowflake } from "../types.ts";
import type { OptionInput } from "./command-options.ts";
import { type Actor, ATTACHMENT_SIZE_LIMIT } from "./envelope.ts";

const OptionType = {
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const;

type Resolved = Record<string, Record<Snowflake, JsonObject>>;

/** One option's value as Discord sends it; user/channel/role options also fill `resolved`. */
export function resolveOptionValue(
  core: Core,
  actor: Actor,
  def: ApiCommandOption,
  raw: OptionInput,
  where: string,
  resolved: Resolved | undefined,
  /** false: skip lengths, ranges, choices and channel types (an unchecked send) */
  limits = true,
): Json {
  const typeFail = (why: string): never => {
    throw new StandInUsageError(`${where}: option "${def.name}" ${why} (got ${shown(raw)})`);
  };
  const fail = (why: string): void => {
    if (limits) typeFail(why);
  };
  switch (def.type) {
    case OptionType.String: {
      const value = String(raw);
      if (def.min_length !== undefined && value.length < def.min_length)
        fail(`must be at least ${def.min_length} characters`);
      if (def.max_length !== undefined && value.length > def.max_length)
        fail(`must be at most ${def.max_length} characters`);
      if (value.length > 6000) fail("must be at most 6000 characters");
      checkChoice(def, value, fail);
      return value;
    }
    case OptionType.Integer:
    case OptionType.Number: {
      const value = typeof raw === "number" ? raw : Number(String(raw).trim());
      if (!Number.isFinite(value) || (def.type === OptionType.Integer && !Number.isInteger(value))) {
        typeFail(def.type === OptionType.Integer ? "must be an integer" : "must be a number");
      }
      if (def.min_value !== undefined && value < def.min_value) fail(`must be at least ${def.min_value}`);
      if (def.max_value !== undefined && value > def.max_value) fail(`must be at most ${def.max_value}`);
      checkChoice(def, value, fail);
      return value;
    }
    case OptionType.Boolean: {
      if (raw === true || raw === "true") return true;
      if (raw === false || raw === "false") return false;
      return typeFail("must be true or false");
    }
    case OptionType.User:
      return addUser(core, actor, ref(raw, /^<@!?(\d+)>$/), resolved, typeFail);
    case OptionType.Role:
      return addRole(core, actor, ref(raw, /^<@&(\d+)>$/), resolved, typeFail);
    case OptionType.Mentionable: {
      const text = String(raw);
      if (/^<@&\d+>$/.test(text)) return addRole(core, actor, ref(raw, /^<@&(\d+)>$/), resolved, typeFail);
      try {
        return addUser(core, actor, ref(raw, /^<@!?(\d+)>$/), resolved, typeFail);
      } catch {
        return addRole(core, actor, text, resolved, typeFail);
      }
    }
    case OptionType.Channel: {
      let channel: ReturnType<Core["world"]["channel"]> | undefined;
      try {
        channel = core.world.channel(ref(raw, /^<#(\d+)>$/), actor.guildId);
      } catch {
        return typeFail("must be a channel of this server");
      }
      if (def.channel_types && !def.channel_types.includes(channel.type))
        fail(`must be a channel of type ${def.channel_types.join("/")}`);
      put(resolved, "channels", channel.id, {
        id: channel.id,
        name: channel.name,
        type: channel.type,
        guild_id: channel.guild_id,
        parent_id: channel.parent_id,
        position: channel.position,
        topic: channel.topic,
        nsfw: channel.nsfw,
        flags: channel.flags,
        last_message_id: channel.last_message_id,
        rate_limit_per_user: channel.rate_limit_per_user,
        permission_overwrites: channel.permission_overwrites as unknown as Json,
        permissions: core.world.channelPermissions(channel.id, actor.userId).toString(),
      });
      return channel.id;
    }
    case OptionType.Attachment: {
      if (typeof raw !== "object") return typeFail("must be a file: { filename, content }");
      const size = typeof raw.content === "string" ? Buffer.byteLength(raw.content) : raw.content.byteLength;
      if (size > ATTACHMENT_SIZE_LIMIT)
        fail(`is larger than the ${ATTACHMENT_SIZE_LIMIT} bytes Discord accepts`);
      const data = Buffer.from(raw.content);
      const id = core.world.ids.next();
      const contentType = raw.contentType ?? null;
      const urls = core.cdn.put(
        "ephemeral-attachments",
        actor.channel.id,
        id,
        raw.filename,
        data,
        contentType,
      );
      const attachment: JsonObject = {
        id,
        filename: raw.filename,
        size: data.length,
        ...urls,
        ephemeral: true,
      };
      if (contentType) attachment.content_type = contentType;
      put(resolved, "attachments", id, attachment);
      return id;
    }
    default:
      return typeFail(`has type ${def.type}, which the stand-in cannot send`);
  }
}

/** A file is named, not printed (its content may be megabytes). */
function shown(raw: OptionInput): string {
  if (typeof raw !== "object") return JSON.stringify(raw);
  const size = typeof raw.content === "string" ? Buffer.byteLength(raw.content) : raw.content.byteLength;
  return `the file ${JSON.stringify(raw.filename)}, ${size} bytes`;
}

function ref(raw: OptionInput, mention: RegExp): string {
  const text = String(raw).trim();
  return mention.exec(text)?.[1] ?? text;
}

function checkChoice(def: ApiCommandOption, value: string | number, fail: (why: string) => void): void {
  if (def.choices && def.choices.length > 0 && !def.choices.some((c) => c.value === value)) {
    fail(`must be one of ${def.choices.map((c) => c.value).join(", ")}`);
  }
}

function put(resolved: Resolved | undefined, kind: string, id: Snowflake, value: JsonObject): void {
  if (!resolved) return;
  resolved[kind] ??= {};
  resolved[kind]![id] = value;
}

function addUser(
  core: Core,
  actor: Actor,
  text: string,
  resolved: Resolved | undefined,
  fail: (why: string) => never,
) {
  let user: ReturnType<Core["world"]["user"]>;
  try {
    user = core.world.user(text);
  } catch {
    return fail("must be a user");
  }
  put(resolved, "users", user.id, user as unknown as JsonObject);
  const member = core.world.member(actor.guildId, user.id);
  if (member) {
    const { user: _user, deaf: _deaf, mute: _mute, ...fields } = member;
    put(resolved, "members", user.id, {
      ...(fields as unknown as JsonObject),
      permissions: core.world.channelPermissions(actor.channel.id, user.id).toString(),
    });
  }
  return user.id;
}

function addRole(
  core: Core,
  actor: Actor,
  text: string,
  resolved: Resolved | undefined,
  fail: (why: string) => never,
) {
  let role: ReturnType<Core["world"]["role"]>;
  try {
    role = core.world.role(text, actor.guildId);
  } catch {
    return fail("must be a role of this server");
  }
  put(resolved, "roles", role.id, role as unknown as JsonObject);
  return role.id;
}
