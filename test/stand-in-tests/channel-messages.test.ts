import { once } from "node:events";
import { Events, GatewayIntentBits, type Message, type TextChannel } from "discord.js";
import { describe, expect, it } from "vitest";
import { DiscordStandIn } from "../stand-in/index.ts";
import { RateLimiter } from "../stand-in/rest/rate-limits.ts";
import { connectClient, TEST_WORLD, useConnectedClient } from "./connect-client.ts";

describe("channel messages through the stand-in", () => {
  const connected = useConnectedClient();
  const channel = (name: string) =>
    connected.client.channels.cache.get(connected.discord.channel(name).id) as TextChannel;

  it("creates one message for two sends with the same enforced nonce", async () => {
    const { discord } = connected;
    const first = await channel("general").send({
      content: "assigned #7",
      nonce: "outbox-7",
      enforceNonce: true,
    });
    const second = await channel("general").send({
      content: "assigned #7",
      nonce: "outbox-7",
      enforceNonce: true,
    });
    expect(second.id).toBe(first.id);
    expect(discord.channelMessages("general").filter((m) => m.content === "assigned #7")).toHaveLength(1);
    expect(
      discord.requests.find({ method: "POST", route: "/channels/:channelId/messages" }).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it("refuses a nonce longer than Discord allows", async () => {
    await expect(
      channel("general").send({
        content: "x",
        nonce: "a-nonce-that-is-much-too-long-for-discord",
        enforceNonce: true,
      }),
    ).rejects.toMatchObject({
      code: 50035,
      rawError: { errors: { nonce: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } },
    });
  });

  it("answers injected 429s with retry_after; discord.js waits, retries, and the message arrives once", async () => {
    const { discord } = connected;
    const since = discord.requests.mark();
    const fault = discord.injectFault({
      method: "POST",
      route: "/channels/:channelId/messages",
      status: 429,
      retryAfter: 0.05,
      times: 2,
    });
    const sent = await channel("backend").send({
      content: "after the storm",
      nonce: "storm-1",
      enforceNonce: true,
    });
    expect(fault.hits).toBe(2);
    const posts = discord.requests.find({ method: "POST", route: "/channels/:channelId/messages" }, since);
    expect(posts.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(posts[0]!.response).toEqual({
      message: "You are being rate limited.",
      retry_after: 0.05,
      global: false,
    });
    expect(discord.channelMessages("backend").filter((m) => m.content === "after the storm")).toEqual([
      expect.objectContaining({ id: sent.id }),
    ]);
  });

  it("retries injected 500s, and gives up after discord.js's three retries", async () => {
    const { discord } = connected;
    discord.injectFault({ method: "POST", route: "/channels/:channelId/messages", status: 500, times: 2 });
    await channel("backend").send("survived two 500s");
    expect(discord.channelMessages("backend").at(-1)!.content).toBe("survived two 500s");
    discord.injectFault({
      method: "POST",
      path: `/channels/${discord.channel("backend").id}/messages`,
      status: 503,
      forMs: 60_000,
    });
    await expect(channel("backend").send("never")).rejects.toMatchObject({ status: 503 });
    discord.clearFaults();
    expect(discord.channelMessages("backend").map((m) => m.content)).not.toContain("never");
  });

  it("computes who a bot message pings from its content and allowed_mentions", async () => {
    const { discord } = connected;
    const bob = discord.user("bob").id;
    const reviewer = discord.role("Reviewer").id;
    const text = `@everyone <@${bob}> <@&${reviewer}> hi`;
    const quiet = await channel("general").send({ content: text, allowedMentions: { parse: [] } });
    expect(discord.message(quiet.id)).toMatchObject({
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
    });
    const onlyBob = await channel("general").send({ content: text, allowedMentions: { users: [bob] } });
    expect(discord.message(onlyBob.id)!.mentions.map((u) => u.id)).toEqual([bob]);
    expect(discord.message(onlyBob.id)!.mention_roles).toEqual([]);
    const loud = await channel("general").send(text);
    // the bot lacks Mention Everyone: @everyone does not ping, the mentionable role and bob do
    expect(discord.message(loud.id)).toMatchObject({ mention_everyone: false, mention_roles: [reviewer] });
    expect(discord.storedMessage(quiet.id)!.allowedMentions).toEqual({ parse: [] });
    await expect(
      channel("general").send({ content: text, allowedMentions: { parse: ["users"], users: [bob] } }),
    ).rejects.toMatchObject({ code: 50035 });
  });

  it("edits, replies to and deletes messages", async () => {
    const { discord } = connected;
    const question = discord.sendMessage({ channelId: "general", authorId: "bob", content: "who owns #3?" });
    const fetched = await channel("general").messages.fetch(question.id);
    const answer = await fetched.reply({ content: "rita", allowedMentions: { repliedUser: false } });
    expect(discord.message(answer.id)).toMatchObject({
      type: 19,
      message_reference: { message_id: question.id },
      mentions: [],
    });
    await answer.edit("rita (reviewer)");
    expect(discord.message(answer.id)!.content).toBe("rita (reviewer)");
    expect(discord.message(answer.id)!.edited_timestamp).not.toBeNull();
    await expect(fetched.edit("not mine")).rejects.toMatchObject({ code: 50005 });
    await answer.delete();
    expect(discord.channelMessages("general").map((m) => m.id)).not.toContain(answer.id);
    await expect(
      channel("general").messages.fetch({ message: answer.id, force: true }),
    ).rejects.toMatchObject({ code: 10008 });
  });

  it("accepts multipart bodies (payload_json plus files) and stores the attachments", async () => {
    const { discord } = connected;
    const sent = await channel("general").send({
      content: "the report",
      files: [{ attachment: Buffer.from("a,b\n1,2\n"), name: "report.csv", description: "weekly" }],
    });
    const request = await discord.waitForRequest({
      method: "POST",
      route: "/channels/:channelId/messages",
      where: (r) => (r.body as { content?: string })?.content === "the report",
    });
    expect(request.encoding).toBe("multipart");
    expect(request.files).toMatchObject([{ field: "files[0]", filename: "report.csv", size: 8 }]);
    expect(discord.message(sent.id)!.attachments).toMatchObject([
      { filename: "report.csv", size: 8, description: "weekly" },
    ]);
    expect(sent.attachments.first()!.name).toBe("report.csv");
  });

  it("refuses more than 10 files in a message, and a file over 10 MiB, as Discord does", async () => {
    const files = Array.from({ length: 11 }, (_, i) => ({ attachment: Buffer.from("x"), name: `f${i}.txt` }));
    await expect(channel("general").send({ content: "too many", files })).rejects.toMatchObject({
      status: 400,
      code: 50035,
    });
    const huge = { attachment: Buffer.alloc(10 * 1024 * 1024 + 1), name: "huge.bin" };
    await expect(channel("general").send({ content: "too big", files: [huge] })).rejects.toMatchObject({
      status: 413,
      code: 40005,
    });
    expect(connected.discord.channelMessages("general").map((m) => m.content)).not.toContain("too many");
  });

  it("refuses to post where the bot may not send messages", async () => {
    await expect(channel("announcements").send("hello")).rejects.toMatchObject({ status: 403, code: 50013 });
  });

  it("delivers a member's message that mentions the bot as messageCreate with mentions and content", async () => {
    const { discord, client } = connected;
    const received = once(client, Events.MessageCreate) as Promise<[Message]>;
    discord.sendMessage({
      channelId: "general",
      authorId: "agent-7",
      content: `${discord.mention(discord.botUser.id)} next backend`,
    });
    const [message] = await received;
    expect(message.author.username).toBe("agent-7");
    expect(message.author.bot).toBe(true);
    expect(message.content).toBe(`<@${discord.botUser.id}> next backend`);
    expect(message.mentions.users.has(client.user.id)).toBe(true);
    expect(message.member?.id).toBe(discord.user("agent-7").id);
    expect(message.guildId).toBe(discord.guild().id);
  });

  it("turns typed @names and #channels into mentions, as Discord's client does", () => {
    const { discord } = connected;
    const text = discord.expandMentions("@Tasklane next in #backend, cc @rita @Reviewer @everyone @nobody");
    expect(text).toBe(
      `<@${discord.botUser.id}> next in <#${discord.channel("backend").id}>, cc <@${discord.user("rita").id}> <@&${discord.role("Reviewer").id}> @everyone @nobody`,
    );
  });

  it("hides the content of messages that do not mention the bot unless it has MESSAGE_CONTENT", async () => {
    const { discord, client } = connected;
    const received = once(client, Events.MessageCreate) as Promise<[Message]>;
    discord.sendMessage({ channelId: "general", authorId: "bob", content: "lunch?", mentions: ["alice"] });
    const [message] = await received;
    expect(message.content).toBe("");
    expect(message.mentions.users.map((u) => u.username)).toEqual(["alice"]);
    expect(discord.channelMessages("general").at(-1)!.content).toBe(`<@${discord.user("alice").id}> lunch?`);
  });
});

describe("rate limits", () => {
  it("puts Discord's rate-limit headers on answers, and in 'discord' mode answers a burst with 429", async () => {
    const discord = await DiscordStandIn.start({ ...TEST_WORLD, rateLimits: "discord" });
    try {
      const url = `${discord.apiUrl}/v10/channels/${discord.channel("general").id}/messages`;
      const post = () =>
        fetch(url, {
          method: "POST",
          headers: { Authorization: "Bot t", "Content-Type": "application/json" },
          body: JSON.stringify({ content: "burst" }),
        });
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await post());
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429]);
      expect(answers[0]!.headers.get("x-ratelimit-limit")).toBe("5");
      expect(answers[4]!.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(answers[0]!.headers.get("x-ratelimit-bucket")).toMatch(/^[0-9a-f]{32}$/);
      const limited = answers[5]!;
      expect(limited.headers.get("x-ratelimit-scope")).toBe("user");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await limited.json()).toMatchObject({ message: "You are being rate limited.", global: false });
    } finally {
      await discord.stop();
    }
  });
});

describe("the global limit", () => {
  it("holds a bot to 50 requests/s across channels, but not its interaction webhooks", () => {
    const limiter = new RateLimiter("discord");
    const now = 1_000_000;
    for (let i = 0; i < 50; i++) {
      expect(
        limiter.take("POST", "/channels/:channelId/messages", `channel-${i}`, now).exceeded,
      ).toBeUndefined();
    }
    expect(limiter.take("POST", "/channels/:channelId/messages", "channel-50", now).exceeded).toEqual({
      retryAfter: 1,
      global: true,
    });
    const webhook = limiter.take(
      "PATCH",
      "/webhooks/:applicationId/:token/messages/:messageId",
      "app/t",
      now,
      false,
    );
    expect(webhook.exceeded).toBeUndefined();
  });
});

describe("the MESSAGE_CONTENT intent", () => {
  it("gives a client that asks for it the content of every message", async () => {
    const connected = await connectClient(TEST_WORLD, {
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    });
    try {
      const received = once(connected.client, Events.MessageCreate) as Promise<[Message]>;
      connected.discord.sendMessage({ channelId: "general", authorId: "bob", content: "lunch?" });
      const [message] = await received;
      expect(message.content).toBe("lunch?");
    } finally {
      await connected.close();
    }
  });
});
