import { once } from "node:events";
import {
  type AnyThreadChannel,
  ChannelType,
  DiscordAPIError,
  Events,
  type Message,
  type TextChannel,
} from "discord.js";
import { describe, expect, it } from "vitest";
import { StandInUsageError } from "../stand-in/errors.ts";
import { TEST_WORLD, useConnectedClient } from "./connect-client.ts";

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return null;
  } catch (error) {
    return error instanceof DiscordAPIError ? { status: error.status, code: error.code } : error;
  }
};

describe("threads through the stand-in (a real discord.js client)", () => {
  const connected = useConnectedClient({
    guilds: [
      {
        ...TEST_WORLD.guilds![0]!,
        channels: [
          "general",
          // Members may talk in threads here, not in the channel itself.
          {
            name: "cards-only",
            overwrites: [{ role: "@everyone", deny: ["SendMessages"], allow: ["SendMessagesInThreads"] }],
            threads: ["talk"],
          },
          { name: "slow-lane", defaultAutoArchiveDuration: 4320 },
        ],
      },
    ],
  });
  const channel = (name: string) =>
    connected.client.channels.cache.get(connected.discord.channel(name).id) as TextChannel;

  async function cardWithThread(name: string): Promise<{ card: Message; thread: AnyThreadChannel }> {
    const card = await channel("general").send({ content: `card for ${name}` });
    const created = once(connected.client, Events.ThreadCreate) as Promise<[AnyThreadChannel, boolean]>;
    const thread = await card.startThread({ name });
    const [event, newlyCreated] = await created;
    expect(event.id).toBe(thread.id);
    expect(newlyCreated).toBe(true);
    return { card, thread };
  }

  it("starts a public thread from a message: the thread's id is the message's, THREAD_CREATE says newly created", async () => {
    const { card, thread } = await cardWithThread("#1 · Fix the login");
    expect(thread.id).toBe(card.id);
    expect(thread.type).toBe(ChannelType.PublicThread);
    expect(thread.parentId).toBe(channel("general").id);
    expect(thread.name).toBe("#1 · Fix the login");
    // No duration asked for: the channel's default (Discord's 1440 minutes when the channel sets none).
    expect(thread.autoArchiveDuration).toBe(1440);
    expect(connected.discord.threadOf(card)?.id).toBe(card.id);
    expect(connected.client.channels.cache.get(thread.id)?.isThread()).toBe(true);
    const fetched = await channel("general").messages.fetch(card.id);
    expect(fetched.thread?.id).toBe(thread.id);
    // A channel with a default of its own hands it to its threads.
    const slow = await channel("slow-lane").send({ content: "another card" });
    expect((await slow.startThread({ name: "slow" })).autoArchiveDuration).toBe(4320);
  });

  it("starts one thread per message (160004), and refuses a name longer than 100 characters", async () => {
    const { card } = await cardWithThread("once");
    expect(await codeOf(card.startThread({ name: "twice" }))).toEqual({ status: 400, code: 160004 });
    const other = await channel("general").send({ content: "long name" });
    expect(await codeOf(other.startThread({ name: "x".repeat(101) }))).toEqual({ status: 400, code: 50035 });
    expect(connected.discord.threadOf(other)).toBeUndefined();
  });

  it("carries messages in the thread: MESSAGE_CREATE with the thread as channel_id and the guild_id", async () => {
    const { thread } = await cardWithThread("talk");
    const seen = once(connected.client, Events.MessageCreate) as Promise<[Message]>;
    connected.discord.sendMessage({ channelId: thread.id, authorId: "bob", content: "looks good" });
    const [message] = await seen;
    expect(message.channelId).toBe(thread.id);
    expect(message.guildId).toBe(connected.discord.guild().id);
    expect(message.channel.isThread()).toBe(true);
    const sent = await thread.send({ content: "noted" });
    expect(connected.discord.channelMessages(thread.id).map((m) => m.content)).toEqual([
      "looks good",
      "noted",
    ]);
    expect(connected.discord.channelMessages("general").some((m) => m.id === sent.id)).toBe(false);
  });

  it("unarchives an archived thread when a message is sent, unless it is locked (50083)", async () => {
    const { thread } = await cardWithThread("sleepy");
    const archived = once(connected.client, Events.ThreadUpdate);
    connected.discord.archiveThread(thread.id);
    await archived;
    expect(thread.archived).toBe(true);
    const woken = once(connected.client, Events.ThreadUpdate);
    await thread.send({ content: "back again" });
    await woken;
    expect(connected.discord.channel(thread.id).thread_metadata?.archived).toBe(false);

    connected.discord.archiveThread(thread.id, { locked: true });
    expect(await codeOf(thread.send({ content: "let me in" }))).toEqual({ status: 400, code: 50083 });
    expect(() =>
      connected.discord.sendMessage({ channelId: thread.id, authorId: "bob", content: "me too" }),
    ).toThrow(StandInUsageError);
    // The owner can manage threads: their message opens it again.
    connected.discord.sendMessage({ channelId: thread.id, authorId: "olivia", content: "reopened" });
    expect(connected.discord.channel(thread.id).thread_metadata?.archived).toBe(false);
  });

  it("forgets a deleted thread: THREAD_DELETE, then Unknown Channel (10003)", async () => {
    const { card, thread } = await cardWithThread("doomed");
    const deleted = once(connected.client, Events.ThreadDelete);
    connected.discord.deleteThread(thread.id);
    await deleted;
    expect(connected.client.channels.cache.has(thread.id)).toBe(false);
    const rest = connected.client.rest;
    expect(
      await codeOf(rest.post(`/channels/${thread.id}/messages`, { body: { content: "hello?" } })),
    ).toEqual({
      status: 404,
      code: 10003,
    });
    expect(connected.discord.threadOf(card)).toBeUndefined();
  });

  it("takes a thread's rights from its parent: Send Messages in Threads where Send Messages is denied", async () => {
    const parent = channel("cards-only");
    const talk = connected.client.channels.cache.find(
      (c) => c.isThread() && c.parentId === parent.id,
    ) as AnyThreadChannel;
    expect(await codeOf(parent.send({ content: "in the channel" }))).toEqual({ status: 403, code: 50013 });
    const sent = await talk.send({ content: "in its thread" });
    expect(connected.discord.message(sent.id)?.channel_id).toBe(talk.id);
  });

  it("lets a thread's creator rename it (THREAD_UPDATE); an archived one must be opened first (50083), a locked one is for managers", async () => {
    const { thread } = await cardWithThread("#9 · Old title");
    const updated = once(connected.client, Events.ThreadUpdate) as Promise<
      [AnyThreadChannel, AnyThreadChannel]
    >;
    await thread.setName("#9 · New title");
    const [, after] = await updated;
    expect(after.name).toBe("#9 · New title");
    expect(connected.discord.channel(thread.id).name).toBe("#9 · New title");
    const rest = connected.client.rest;
    expect(await codeOf(rest.patch(`/channels/${thread.id}`, { body: { name: "" } }))).toEqual({
      status: 400,
      code: 50035,
    });
    connected.discord.archiveThread(thread.id);
    expect(await codeOf(rest.patch(`/channels/${thread.id}`, { body: { name: "sleeping" } }))).toEqual({
      status: 400,
      code: 50083,
    });
    connected.discord.archiveThread(thread.id, { locked: true });
    expect(await codeOf(rest.patch(`/channels/${thread.id}`, { body: { archived: false } }))).toEqual({
      status: 403,
      code: 160005,
    });
    expect(connected.discord.channel(thread.id).name).toBe("#9 · New title");
  });
});
