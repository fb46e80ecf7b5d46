import {
  type ChatInputCommandInteraction,
  DiscordAPIError,
  HTTPError,
  type Interaction,
  MessageFlags,
  SlashCommandBuilder,
} from "discord.js";
import { beforeAll, describe, expect, it } from "vitest";
import { interactionHttpOf } from "../../src/discord/interaction-http.ts";
import { answerEphemeral, replyPublicly } from "../../src/discord/respond.ts";
import { TEST_WORLD, useConnectedClient } from "../stand-in-tests/connect-client.ts";

const ping = new SlashCommandBuilder().setName("ping").setDescription("Ping");

/**
 * Interaction callbacks and webhook requests go out as plain HTTP (not through @discordjs/rest): what
 * Discord answers must read as it did through discord.js (its error codes, the message made), and the
 * interaction's state must be what discord.js's own methods then expect.
 */
describe("interaction HTTP (stand-in)", () => {
  const connected = useConnectedClient(TEST_WORLD);
  let handler: (interaction: ChatInputCommandInteraction) => Promise<unknown> = async () => {};

  beforeAll(async () => {
    connected.client.on("interactionCreate", (interaction: Interaction) => {
      if (interaction.isChatInputCommand()) handler(interaction).catch(() => {});
    });
    await connected.client.application.commands.set([ping.toJSON()], connected.discord.guild().id);
  });

  /** Runs `work` on the next /ping and resolves with what it resolved or threw. */
  function onPing<T>(work: (interaction: ChatInputCommandInteraction) => Promise<T>) {
    const outcome = new Promise<{ value?: T; error?: unknown }>((resolve) => {
      handler = (interaction) =>
        work(interaction).then(
          (value) => resolve({ value }),
          (error: unknown) => resolve({ error }),
        );
    });
    const ix = connected.discord.sendSlashCommand({ channelId: "general", userId: "bob", name: "ping" });
    return { ix, outcome };
  }

  it("an unknown interaction is Discord's 404 Unknown interaction (10062), as a DiscordAPIError", async () => {
    const http = interactionHttpOf(connected.client);
    const error = await http
      .callback("1", "no-such-token", { type: 4, data: { content: "x" } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 404, code: 10062, method: "POST" });
  });

  it("a second callback is 400 already acknowledged (40060)", async () => {
    const { ix, outcome } = onPing(async (interaction) => {
      const http = interactionHttpOf(interaction.client);
      await http.callback(interaction.id, interaction.token, { type: 4, data: { content: "pong" } });
      return http.callback(interaction.id, interaction.token, { type: 4, data: { content: "again" } });
    });
    const { error } = await outcome;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 400, code: 40060 });
    expect((await ix.reply()).content).toBe("pong");
    expect(ix.messages()).toHaveLength(1);
  });

  it("a public reply answers the id of the message it became", async () => {
    const { ix, outcome } = onPing((interaction) => replyPublicly(interaction, { content: "the card" }));
    const { value } = await outcome;
    const reply = await ix.reply();
    expect(value).toBe(reply.id);
    expect(reply.content).toBe("the card");
    expect(reply.flags ?? 0).toBe(0);
  });

  it("leaves the interaction replied and ephemeral: discord.js's own follow-up then works", async () => {
    const { ix, outcome } = onPing(async (interaction) => {
      await answerEphemeral(interaction, "only you");
      const state = { replied: interaction.replied, ephemeral: interaction.ephemeral };
      await interaction.followUp({ content: "and then", flags: MessageFlags.Ephemeral });
      await answerEphemeral(interaction, "once more");
      return state;
    });
    const { value, error } = await outcome;
    expect(error).toBeUndefined();
    expect(value).toEqual({ replied: true, ephemeral: true });
    const reply = await ix.reply();
    expect(reply.content).toBe("only you");
    expect((reply.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect((await ix.followUp(0)).content).toBe("and then");
    const last = await ix.followUp(1);
    expect(last.content).toBe("once more");
    expect((last.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  });

  it("retries a 5xx on the callback as @discordjs/rest does: the answer still arrives, once", async () => {
    connected.discord.injectFault({ route: "/interactions/:interactionId/:token/callback", status: 500 });
    const { ix, outcome } = onPing((interaction) => answerEphemeral(interaction, "after a 500"));
    expect((await outcome).error).toBeUndefined();
    expect((await ix.reply()).content).toBe("after a 500");
    expect(ix.messages()).toHaveLength(1);
  });

  it("gives up after the retries with an HTTPError carrying the status", async () => {
    const fault = connected.discord.injectFault({
      route: "/interactions/:interactionId/:token/callback",
      status: 502,
      times: 10,
    });
    const { outcome } = onPing((interaction) => answerEphemeral(interaction, "never"));
    const { error } = await outcome;
    fault.remove();
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 502 });
    expect(fault.hits).toBe(4);
  });

  it("waits out a 429 on an interaction webhook and then sends it", async () => {
    const { ix, outcome } = onPing(async (interaction) => {
      await answerEphemeral(interaction, "first");
      connected.discord.injectFault({
        method: "POST",
        route: "/webhooks/:applicationId/:token",
        status: 429,
        retryAfter: 0.2,
      });
      await answerEphemeral(interaction, "after the limit");
    });
    expect((await outcome).error).toBeUndefined();
    expect((await ix.followUp(0)).content).toBe("after the limit");
  });
});
