import { setTimeout as sleep } from "node:timers/promises";
import {
  type Interaction,
  InteractionResponseType,
  MessageFlags,
  Routes,
  SlashCommandBuilder,
} from "discord.js";
import { beforeAll, describe, expect, it } from "vitest";
import { TEST_WORLD, useConnectedClient } from "./connect-client.ts";

const ping = new SlashCommandBuilder().setName("ping").setDescription("Ping");

describe("Discord's rules for answering interactions", () => {
  // a short window keeps the late-callback test fast; Discord's is 3000 ms (the default)
  const connected = useConnectedClient({ ...TEST_WORLD, interactionTimeoutMs: 1000 });
  let handler: (interaction: Interaction) => Promise<unknown> = async () => {};

  beforeAll(async () => {
    connected.client.on("interactionCreate", (interaction) => {
      handler(interaction).catch(() => {});
    });
    await connected.client.application.commands.set([ping.toJSON()], connected.discord.guild().id);
  });

  const run = () => connected.discord.sendSlashCommand({ channelId: "general", userId: "bob", name: "ping" });

  it("refuses a callback that comes after the window with 404 Unknown interaction (10062)", async () => {
    const failure = new Promise<unknown>((resolve) => {
      handler = async (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        await sleep(1100);
        await interaction.reply("too late").catch(resolve);
      };
    });
    const ix = run();
    expect(await failure).toMatchObject({ status: 404, code: 10062 });
    expect(ix.record.callback).toBeUndefined();
    expect(connected.discord.latencySummary().unanswered).toBeGreaterThanOrEqual(1);
  });

  it("refuses a second callback with 400 already acknowledged (40060)", async () => {
    const { client } = connected;
    const second = new Promise<unknown>((resolve) => {
      handler = async (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        await interaction.reply("pong");
        // discord.js guards against this itself, so go around it, as a second instance racing would
        await client.rest
          .post(Routes.interactionCallback(interaction.id, interaction.token), {
            body: { type: InteractionResponseType.ChannelMessageWithSource, data: { content: "pong again" } },
            auth: false,
          })
          .catch(resolve);
      };
    });
    const ix = run();
    expect(await second).toMatchObject({ status: 400, code: 40060 });
    expect((await ix.reply()).content).toBe("pong");
    expect(ix.messages()).toHaveLength(1);
  });

  it("answers with_response=true with the interaction and the message it created", async () => {
    const responseMessageId = new Promise<string | undefined>((resolve) => {
      handler = async (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        const response = await interaction.reply({ content: "pong", withResponse: true });
        resolve(response.resource?.message?.id);
      };
    });
    const ix = run();
    const reply = await ix.reply();
    expect(await responseMessageId).toBe(reply.id);
    const callback = connected.discord.requests
      .find({ route: "/interactions/:interactionId/:token/callback", status: 200 })
      .at(-1)!;
    expect(callback.query.with_response).toBe("true");
    expect(callback.response).toMatchObject({
      interaction: { id: ix.id, type: 2, response_message_id: reply.id, response_message_loading: false },
      resource: { type: 4, message: { id: reply.id, content: "pong" } },
    });
  });

  it("turns the first follow-up after a deferral into the reply, keeping the deferral's visibility", async () => {
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.followUp({ content: "done" });
      await interaction.followUp({ content: "and one more" });
    };
    const ix = run();
    const reply = await ix.reply();
    expect(reply.content).toBe("done");
    expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    const extra = await ix.followUp(0);
    expect(extra.content).toBe("and one more");
    expect(extra.flags & MessageFlags.Ephemeral).toBe(0);
    expect(ix.messages().map((m) => m.content)).toEqual(["done", "and one more"]);
  });

  it("fetches, edits and deletes the original response and follow-ups through the interaction webhook", async () => {
    const { discord } = connected;
    let fetchedContent: string | undefined;
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply("first");
      fetchedContent = (await interaction.fetchReply()).content;
      const follow = await interaction.followUp("second");
      await interaction.editReply({ content: "first, edited" });
      await interaction.webhook.editMessage(follow, { content: "second, edited" });
      await interaction.deleteReply();
    };
    const ix = run();
    await ix.waitFor(
      () => (ix.events.some((e) => e.kind === "message-deleted") ? true : undefined),
      "the delete",
    );
    expect(fetchedContent).toBe("first");
    expect(ix.events.map((e) => e.kind)).toEqual([
      "callback",
      "followup",
      "original-edited",
      "message-edited",
      "message-deleted",
    ]);
    expect(ix.messages().map((m) => m.content)).toEqual(["second, edited"]);
    expect(discord.storedMessage(ix.record.originalMessageId!)!.deleted).toBe(true);
  });

  it("has no webhook for an interaction that was not acknowledged (Unknown Webhook, 10015)", async () => {
    const failure = new Promise<unknown>((resolve) => {
      handler = async (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        await interaction.webhook.send("too early").catch(resolve);
        await interaction.reply("pong");
      };
    });
    run();
    expect(await failure).toMatchObject({ status: 404, code: 10015 });
  });

  it("records, per interaction, the time from dispatch to the first callback", async () => {
    const { discord } = connected;
    handler = async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply("pong");
    };
    const handles = Array.from({ length: 20 }, run);
    await Promise.all(handles.map((h) => h.callback()));
    const ids = new Set(handles.map((h) => h.id));
    const measured = discord.interactionLatencies().filter((l) => ids.has(l.id));
    expect(measured).toHaveLength(20);
    for (const l of measured) expect(l.latencyMs).toBeGreaterThan(0);
    const summary = discord.latencySummary();
    expect(summary.p50).toBeLessThanOrEqual(summary.p99);
  });
});
