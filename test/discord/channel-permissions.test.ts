import { Client, type Guild, type Message, PermissionFlagsBits as P } from "discord.js";
import { afterAll, describe, expect, it } from "vitest";
import { actorOfMessage, publicAudience } from "../../src/discord/actor.ts";
import {
  ALL_PERMISSIONS,
  basePermissions,
  channelPermissions,
  type MemberInGuild,
  type Overwrite,
} from "../../src/discord/permissions/compute-permissions.ts";
import { gatewayGuild } from "../stand-in/payloads/guild.ts";
import { buildWorld } from "../stand-in/state/build-world.ts";

const GUILD = "100000000000000001";
const OWNER = "100000000000000002";
const USER = "100000000000000003";
const ROLE_A = "100000000000000010";
const ROLE_B = "100000000000000011";

const EVERYONE_DEFAULT = P.ViewChannel | P.SendMessages | P.ReadMessageHistory | P.EmbedLinks | P.AttachFiles;

function member(
  roleIds: string[],
  roles: Record<string, bigint> = {},
  extra: Partial<MemberInGuild> = {},
): MemberInGuild {
  const all: Record<string, bigint> = { [GUILD]: EVERYONE_DEFAULT, ...roles };
  return {
    guildId: GUILD,
    ownerId: OWNER,
    userId: USER,
    roleIds,
    rolePermissions: (id) => all[id],
    ...extra,
  };
}

const role = (id: string, allow: bigint, deny: bigint): Overwrite => ({ id, type: 0, allow, deny });
const user = (id: string, allow: bigint, deny: bigint): Overwrite => ({ id, type: 1, allow, deny });
const has = (bits: bigint, flag: bigint) => (bits & flag) === flag;

describe("channel permissions, as Discord documents them", () => {
  it("base: @everyone's permissions OR every role's; the owner and Administrator hold everything", () => {
    expect(basePermissions(member([ROLE_A], { [ROLE_A]: P.ManageMessages }))).toBe(
      EVERYONE_DEFAULT | P.ManageMessages,
    );
    expect(basePermissions(member([], {}, { userId: OWNER }))).toBe(ALL_PERMISSIONS);
    expect(basePermissions(member([ROLE_A], { [ROLE_A]: P.Administrator }))).toBe(ALL_PERMISSIONS);
  });

  it("a private channel: @everyone denied View, a role allowed it back", () => {
    const overwrites = [role(GUILD, 0n, P.ViewChannel), role(ROLE_A, P.ViewChannel, 0n)];
    expect(channelPermissions(member([]), overwrites)).toBe(0n);
    expect(has(channelPermissions(member([ROLE_A]), overwrites), P.ViewChannel | P.SendMessages)).toBe(true);
  });

  it("roles' denies and allows are combined, then allows win over denies of other roles", () => {
    const overwrites = [role(ROLE_A, 0n, P.SendMessages), role(ROLE_B, P.SendMessages, 0n)];
    expect(has(channelPermissions(member([ROLE_A]), overwrites), P.SendMessages)).toBe(false);
    expect(has(channelPermissions(member([ROLE_A, ROLE_B]), overwrites), P.SendMessages)).toBe(true);
  });

  it("the member's own overwrite comes last and beats every role", () => {
    const overwrites = [role(ROLE_A, P.SendMessages, 0n), user(USER, 0n, P.SendMessages)];
    expect(has(channelPermissions(member([ROLE_A]), overwrites), P.SendMessages)).toBe(false);
    const allowed = [role(GUILD, 0n, P.ViewChannel), user(USER, P.ViewChannel, 0n)];
    expect(has(channelPermissions(member([]), allowed), P.ViewChannel)).toBe(true);
  });

  it("@everyone's overwrite applies to everyone, before the roles'", () => {
    const overwrites = [role(GUILD, 0n, P.SendMessages), role(ROLE_A, P.SendMessages, 0n)];
    expect(has(channelPermissions(member([]), overwrites), P.SendMessages)).toBe(false);
    expect(has(channelPermissions(member([ROLE_A]), overwrites), P.SendMessages)).toBe(true);
  });

  it("Administrator and the owner ignore overwrites", () => {
    const locked = [role(GUILD, 0n, P.ViewChannel), user(USER, 0n, P.ViewChannel)];
    expect(channelPermissions(member([ROLE_A], { [ROLE_A]: P.Administrator }), locked)).toBe(ALL_PERMISSIONS);
    expect(channelPermissions(member([], {}, { userId: OWNER }), [role(GUILD, 0n, P.ViewChannel)])).toBe(
      ALL_PERMISSIONS,
    );
  });

  it("Manage Channels granted in one channel's overwrite holds in that channel only", () => {
    const here = [role(ROLE_A, P.ManageChannels, 0n)];
    expect(has(channelPermissions(member([ROLE_A]), here), P.ManageChannels)).toBe(true);
    expect(has(channelPermissions(member([ROLE_A]), []), P.ManageChannels)).toBe(false);
  });

  it("implicit: without View nothing else holds; without Send no embeds, files or mentions", () => {
    const hidden = [role(GUILD, P.ManageChannels, P.ViewChannel)];
    expect(channelPermissions(member([]), hidden)).toBe(0n);
    const muted = channelPermissions(member([]), [role(GUILD, 0n, P.SendMessages)]);
    expect(has(muted, P.ViewChannel)).toBe(true);
    expect(muted & (P.EmbedLinks | P.AttachFiles | P.SendMessages)).toBe(0n);
  });

  it("a timed-out member may only view and read history until the timeout ends", () => {
    const now = Date.parse("2026-12-01T12:00:00Z");
    const timedOut = member([], {}, { timedOutUntil: now + 60_000, now });
    expect(channelPermissions(timedOut, [])).toBe(P.ViewChannel | P.ReadMessageHistory);
    const over = member([], {}, { timedOutUntil: now - 1, now });
    expect(has(channelPermissions(over, []), P.SendMessages)).toBe(true);
  });
});

describe("from discord.js's guild cache (a GUILD_CREATE as the stand-in sends it)", () => {
  const world = buildWorld({
    guilds: [
      {
        name: "HQ",
        owner: "olivia",
        roles: [{ name: "Leads" }, { name: "Helpers" }],
        channels: [
          "general",
          {
            name: "leads",
            overwrites: [
              { role: "@everyone", deny: ["ViewChannel"] },
              { role: "Leads", allow: ["ViewChannel", "ManageChannels"] },
              { role: "Helpers", allow: ["ViewChannel"], deny: ["SendMessages"] },
            ],
          },
        ],
        members: [
          "olivia",
          { username: "lee", roles: ["Leads"] },
          { username: "hal", roles: ["Helpers"] },
          "bob",
        ],
      },
    ],
  });
  const state = world.guild("HQ");
  const leads = world.channel("leads");
  const general = world.channel("general");
  const threadId = "100000000000009999";
  const client = new Client({ intents: [] });
  afterAll(() => client.destroy());
  const payload = gatewayGuild(world, state, true);
  payload.threads = [
    {
      id: threadId,
      type: 11,
      guild_id: state.id,
      parent_id: leads.id,
      name: "plans",
      owner_id: world.user("lee").id,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: state.joinedAt,
        locked: false,
      },
      message_count: 0,
      member_count: 1,
      rate_limit_per_user: 0,
      flags: 0,
    },
  ];
  const privateThreadId = "100000000000009998";
  (payload.threads as unknown[]).push({
    ...(payload.threads as Record<string, unknown>[])[0],
    id: privateThreadId,
    type: 12,
    parent_id: general.id,
    name: "invite only",
  });
  const guild = (client.guilds as unknown as { _add(data: unknown): Guild })._add(payload);

  function mentionBy(username: string, channelId: string): Message<true> {
    const author = world.user(username);
    const channel = guild.channels.cache.get(channelId);
    if (!channel?.isTextBased()) throw new Error("no such text channel");
    return (channel.messages as unknown as { _add(data: unknown): Message<true> })._add({
      id: world.ids.next(),
      channel_id: channelId,
      guild_id: guild.id,
      author,
      member: { ...state.members.get(author.id) },
      content: "hello",
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
    });
  }

  it("computes each member's rights in every channel, and the channels they can view", () => {
    const lee = actorOfMessage(mentionBy("lee", general.id));
    expect(lee.in(leads.id)).toEqual({ view: true, send: true, manageChannels: true });
    expect(lee.in(general.id)).toEqual({ view: true, send: true, manageChannels: false });
    const hal = actorOfMessage(mentionBy("hal", general.id));
    expect(hal.in(leads.id)).toEqual({ view: true, send: false, manageChannels: false });
    const bob = actorOfMessage(mentionBy("bob", general.id));
    expect(bob.in(leads.id)).toEqual({ view: false, send: false, manageChannels: false });
    expect(bob.viewableChannelIds()).toEqual([general.id]);
    expect(new Set(lee.viewableChannelIds())).toEqual(new Set([general.id, leads.id, threadId]));
    // Members of a private thread are not in the cache: only Manage Threads (here the owner's) sees into it.
    expect(lee.in(privateThreadId).view).toBe(false);
    expect(actorOfMessage(mentionBy("olivia", general.id)).in(privateThreadId).view).toBe(true);
    expect(bob.in("100000000000000404")).toEqual({ view: false, send: false, manageChannels: false });
    const olivia = actorOfMessage(mentionBy("olivia", general.id));
    expect(olivia.permissions).toEqual(["administrator", "manage_guild"]);
    expect(lee.permissions).toEqual([]);
  });

  it("a thread has its parent's overwrites", () => {
    const bob = actorOfMessage(mentionBy("bob", general.id));
    const lee = actorOfMessage(mentionBy("lee", general.id));
    expect(bob.in(threadId).view).toBe(false);
    expect(lee.in(threadId)).toEqual({ view: true, send: true, manageChannels: true });
  });

  it("a public card shows related tasks of its own channel and of channels @everyone can view", () => {
    const onGeneral = publicAudience(guild, general.id);
    expect(onGeneral(general.id)).toBe(true);
    expect(onGeneral(leads.id)).toBe(false);
    expect(onGeneral(threadId)).toBe(false);
    const onLeads = publicAudience(guild, leads.id);
    expect(onLeads(leads.id)).toBe(true);
    expect(onLeads(general.id)).toBe(true);
  });
});
