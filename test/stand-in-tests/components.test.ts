import {
  ActionRowBuilder,
  ApplicationCommandType,
  ButtonBuilder,
  ButtonStyle,
  type Interaction,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  type TextChannel,
  TextInputBuilder,
  TextInputStyle,
} from "discord.js";
import { beforeAll, describe, expect, it } from "vitest";
import type { ApiMessage } from "../stand-in/index.ts";
import { useConnectedClient } from "./connect-client.ts";

const row = (...buttons: [string, string, boolean?][]) =>
  new ActionRowBuilder<ButtonBuilder>().addComponents(
    buttons.map(([id, label, disabled]) =>
      new ButtonBuilder()
        .setCustomId(id)
        .setLabel(label)
        .setStyle(ButtonStyle.Primary)
        .setDisabled(disabled ?? false),
    ),
  );

describe("buttons, modals and context menus through the stand-in", () => {
  const connected = useConnectedClient();
  let handler: (interaction: Interaction) => Promise<unknown> = async () => {};

  beforeAll(async () => {
    connected.client.on("interactionCreate", (interaction) => {
      handler(interaction).catch(() => {});
    });
    await connected.client.application.commands.set(
      [{ name: "Create task from message", type: ApplicationCommandType.Message }],
      connected.discord.guild().id,
    );
  });

  async function postCard(content: string): Promise<ApiMessage> {
    const { client, discord } = connected;
    const channel = client.channels.cache.get(discord.channel("general").id) as TextChannel;
    const sent = await channel.send({
      content,
      components: [row(["t1:claim:1", "Claim"], ["t1:start:1", "Start"], ["t1:old:1", "Archived", true])],
    });
    return discord.message(sent.id)!;
  }

  it("delivers a button click as a ButtonInteraction, and update() edits that message", async () => {
    const { discord } = connected;
    const card = await postCard("#1 · Fix login");
    let customId: string | undefined;
    handler = async (interaction) => {
      if (!interaction.isButton()) return;
      customId = interaction.customId;
      await interaction.update({
        content: `#1 · claimed by ${interaction.user.username}`,
        components: [row(["t1:start:1", "Start"])],
      });
    };
    const ix = discord.clickButton({ message: card, label: "Claim", userId: "bob" });
    const updated = await ix.reply();
    expect((await ix.callback()).type).toBe(7);
    expect(customId).toBe("t1:claim:1");
    expect(updated.id).toBe(card.id);
    expect(updated.content).toBe("#1 · claimed by bob");
    expect(discord.channelMessages("general").find((m) => m.id === card.id)!.content).toBe(
      "#1 · claimed by bob",
    );
    expect(discord.storedMessage(card.id)!.versions[0]!.content).toBe("#1 · Fix login");
    expect(ix.payload.message!.id).toBe(card.id);
  });

  it("only clicks buttons a person could click", async () => {
    const { discord } = connected;
    const card = await postCard("#2 · Buttons");
    expect(() => discord.clickButton({ message: card, label: "Approve", userId: "bob" })).toThrow(
      /no button with label "Approve"/,
    );
    expect(() => discord.clickButton({ message: card, label: "Archived", userId: "bob" })).toThrow(
      /disabled/,
    );
  });

  it("edits the card after a deferred update, and answers a refusal with an ephemeral follow-up", async () => {
    const { discord } = connected;
    const card = await postCard("#3 · Deferred");
    handler = async (interaction) => {
      if (!interaction.isButton()) return;
      await interaction.deferUpdate();
      if (interaction.user.username === "bob") {
        await interaction.followUp({
          content: "Only a reviewer can do that.",
          flags: MessageFlags.Ephemeral,
        });
      } else {
        await interaction.editReply({ content: "#3 · started", components: [] });
      }
    };
    const refused = await discord.clickButton({ message: card, label: "Start", userId: "bob" }).reply();
    expect(refused.content).toBe("Only a reviewer can do that.");
    expect(refused.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(discord.message(card.id)!.content).toBe("#3 · Deferred");
    const edited = await discord.clickButton({ message: card, label: "Start", userId: "rita" }).reply();
    expect(edited.id).toBe(card.id);
    expect(edited.content).toBe("#3 · started");
    expect(edited.components).toEqual([]);
  });

  it("counts an edit through the channel route as the answer to a deferred update", async () => {
    const { discord } = connected;
    const card = await postCard("#6 · Outbox");
    handler = async (interaction) => {
      if (!interaction.isButton()) return;
      await interaction.deferUpdate();
      await interaction.message.edit({ content: "#6 · started (edited by the outbox)" });
    };
    const answer = await discord.clickButton({ message: card, label: "Start", userId: "rita" }).reply();
    expect(answer.id).toBe(card.id);
    expect(answer.content).toBe("#6 · started (edited by the outbox)");
  });

  it("opens a modal from a button and delivers its submit with the typed fields", async () => {
    const { discord } = connected;
    const card = await postCard("#4 · In review");
    let reason: string | undefined;
    handler = async (interaction) => {
      if (interaction.isButton()) {
        const modal = new ModalBuilder()
          .setCustomId("t1:rework:4")
          .setTitle("Request rework")
          .addLabelComponents(
            new LabelBuilder()
              .setLabel("Reason")
              .setTextInputComponent(
                new TextInputBuilder()
                  .setCustomId("reason")
                  .setStyle(TextInputStyle.Paragraph)
                  .setMaxLength(500),
              ),
          );
        await interaction.showModal(modal);
      } else if (interaction.isModalSubmit() && interaction.isFromMessage()) {
        reason = interaction.fields.getTextInputValue("reason");
        await interaction.update({ content: `#4 · rework: ${reason}`, components: [] });
      }
    };
    const opened = discord.clickButton({ message: card, label: "Claim", userId: "rita" });
    expect(await opened.modal()).toMatchObject({ custom_id: "t1:rework:4", title: "Request rework" });
    expect(() => discord.submitModal({ userId: "rita", fields: {} })).toThrow(/"Reason" is required/);
    const submitted = discord.submitModal({ userId: "rita", fields: { reason: "needs tests" } });
    const updated = await submitted.reply();
    expect(reason).toBe("needs tests");
    expect(updated.id).toBe(card.id);
    expect(updated.content).toBe("#4 · rework: needs tests");
    expect(() => discord.submitModal({ userId: "rita", fields: { reason: "again" } })).toThrow(
      /no open modal/,
    );
  });

  it("submits a modal laid out in action rows (the older layout)", async () => {
    const { discord } = connected;
    const card = await postCard("#5 · Rows");
    let fields: string[] = [];
    handler = async (interaction) => {
      if (interaction.isButton()) {
        await interaction.showModal(
          new ModalBuilder()
            .setCustomId("note")
            .setTitle("Note")
            .addComponents(
              new ActionRowBuilder<TextInputBuilder>().addComponents(
                new TextInputBuilder().setCustomId("text").setLabel("Text").setStyle(TextInputStyle.Short),
              ),
            ),
        );
      } else if (interaction.isModalSubmit()) {
        fields = [...interaction.fields.fields.keys()];
        await interaction.reply({
          content: interaction.fields.getTextInputValue("text"),
          flags: MessageFlags.Ephemeral,
        });
      }
    };
    await discord.clickButton({ message: card, label: "Claim", userId: "bob" }).modal();
    const reply = await discord
      .submitModal({ userId: "bob", customId: "note", fields: { text: "hello" } })
      .reply();
    expect(fields).toEqual(["text"]);
    expect(reply.content).toBe("hello");
  });

  it("runs a message context-menu command on a member's message", async () => {
    const { discord } = connected;
    const source = discord.sendMessage({
      channelId: "backend",
      authorId: "bob",
      content: "Login is broken\nsteps: …",
    });
    let target: string | undefined;
    handler = async (interaction) => {
      if (!interaction.isMessageContextMenuCommand()) return;
      target = interaction.targetMessage.content;
      await interaction.reply({ content: "ok", flags: MessageFlags.Ephemeral });
    };
    const ix = discord.sendMessageContextMenu({
      channelId: "backend",
      userId: "alice",
      name: "Create task from message",
      message: source,
    });
    expect((await ix.reply()).type).toBe(23);
    expect(target).toBe("Login is broken\nsteps: …");
  });
});
