import {
  type ChatInputCommandInteraction,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from "discord.js";
import { beforeAll, describe, expect, it } from "vitest";
import { StandInUsageError } from "../stand-in/index.ts";
import { useConnectedClient } from "./connect-client.ts";

const task = new SlashCommandBuilder()
  .setName("task")
  .setDescription("One task")
  .addSubcommand((s) =>
    s
      .setName("create")
      .setDescription("Create a task")
      .addStringOption((o) => o.setName("title").setDescription("Title").setRequired(true).setMaxLength(200))
      .addStringOption((o) =>
        o
          .setName("priority")
          .setDescription("Priority")
          .addChoices({ name: "low", value: "low" }, { name: "high", value: "high" }),
      )
      .addUserOption((o) => o.setName("assignee").setDescription("Who does it"))
      .addIntegerOption((o) => o.setName("estimate").setDescription("Minutes").setMinValue(1)),
  )
  .addSubcommand((s) =>
    s
      .setName("view")
      .setDescription("View a task")
      .addIntegerOption((o) =>
        o.setName("task").setDescription("Task").setRequired(true).setAutocomplete(true),
      ),
  );

const admin = new SlashCommandBuilder()
  .setName("tasklane")
  .setDescription("Admin")
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageChannels)
  .addSubcommand((s) => s.setName("config").setDescription("Settings"));

describe("slash commands through the stand-in", () => {
  const connected = useConnectedClient();
  let handler: (interaction: Interaction) => Promise<unknown> = async () => {};

  beforeAll(async () => {
    connected.client.on("interactionCreate", (interaction) => {
      handler(interaction).catch(() => {});
    });
    await connected.client.application.commands.set(
      [task.toJSON(), admin.toJSON()],
      connected.discord.guild().id,
    );
  });

  it("stores the commands the bot registers, keeping ids on a second overwrite", async () => {
    const { discord, client } = connected;
    const before = discord.commandsIn().map((c) => [c.name, c.id]);
    expect(before.map(([name]) => name)).toEqual(["task", "tasklane"]);
    await client.application.commands.set([task.toJSON(), admin.toJSON()], discord.guild().id);
    expect(discord.commandsIn().map((c) => [c.name, c.id])).toEqual(before);
    const put = await discord.waitForRequest({
      method: "PUT",
      route: "/applications/:applicationId/guilds/:guildId/commands",
    });
    expect((put.body as { name: string }[]).map((c) => c.name)).toEqual(["task", "tasklane"]);
  });

  it("refuses an invalid command definition with Discord's form error", async () => {
    const { client, discord } = connected;
    await expect(
      client.application.commands.create({ name: "Bad Name", description: "x" }, discord.guild().id),
    ).rejects.toMatchObject({
      code: 50035,
      rawError: { errors: { name: { _errors: [{ code: "APPLICATION_COMMAND_INVALID_NAME" }] } } },
    });
  });

  it("delivers a ChatInputCommandInteraction with options, resolved users and member permissions", async () => {
    const { discord } = connected;
    let seen: ChatInputCommandInteraction | undefined;
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen = interaction;
      await interaction.reply({
        content: `created ${interaction.options.getString("title")}`,
        ephemeral: true,
      });
    };
    const ix = discord.sendSlashCommand({
      channelId: "general",
      userId: "alice",
      name: "task",
      subcommand: "create",
      options: { title: "Fix login", priority: "high", assignee: "bob", estimate: 30 },
    });
    const callback = await ix.callback();
    expect(callback.type).toBe(4);
    expect(callback.data).toMatchObject({ content: "created Fix login", flags: MessageFlags.Ephemeral });
    expect(seen!.options.getSubcommand()).toBe("create");
    expect(seen!.options.getString("priority")).toBe("high");
    expect(seen!.options.getInteger("estimate")).toBe(30);
    expect(seen!.options.getUser("assignee")!.username).toBe("bob");
    expect(seen!.options.getMember("assignee")).not.toBeNull();
    expect(seen!.memberPermissions!.has(PermissionFlagsBits.Administrator)).toBe(true);
    expect(seen!.channel!.id).toBe(discord.channel("general").id);
    const reply = await ix.reply();
    expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(reply.type).toBe(20);
    expect(reply.interaction_metadata).toMatchObject({ id: ix.id, user: { id: discord.user("alice").id } });
    expect(discord.channelMessages("general")).not.toContainEqual(expect.objectContaining({ id: reply.id }));
    expect(ix.latencyMs).toBeGreaterThan(0);
  });

  it("fills in a deferred reply when the bot edits it", async () => {
    const { discord } = connected;
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await interaction.editReply({ content: "here is #12", allowedMentions: { parse: [] } });
    };
    const ix = discord.sendSlashCommand({
      channelId: "general",
      userId: "bob",
      name: "task",
      subcommand: "view",
      options: { task: 12 },
    });
    expect((await ix.callback()).type).toBe(5);
    const reply = await ix.reply();
    expect(reply.content).toBe("here is #12");
    expect(reply.flags & MessageFlags.Loading).toBe(0);
    expect(ix.events.map((e) => e.kind)).toEqual(["callback", "original-edited"]);
    expect(discord.channelMessages("general").at(-1)!.id).toBe(reply.id);
  });

  it("refuses a reply Discord would refuse, with the field that is wrong", async () => {
    const { discord } = connected;
    const failure = new Promise<unknown>((resolve) => {
      handler = async (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        await interaction.reply({ content: "x".repeat(2001) }).catch(resolve);
      };
    });
    const ix = discord.sendSlashCommand({
      channelId: "general",
      userId: "bob",
      name: "task",
      subcommand: "view",
      options: { task: 1 },
    });
    expect(await failure).toMatchObject({
      code: 50035,
      rawError: { errors: { data: { content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } } },
    });
    expect(ix.record.callback).toBeUndefined();
  });

  it("checks what a person types against the registered definition", () => {
    const { discord } = connected;
    const send = (options: Record<string, string | number>) =>
      discord.sendSlashCommand({
        channelId: "general",
        userId: "bob",
        name: "task",
        subcommand: "create",
        options,
      });
    expect(() => send({ title: "x", priority: "urgent" })).toThrow(/priority.*one of low, high/);
    expect(() => send({ priority: "low" })).toThrow(/"title" is required/);
    expect(() => send({ title: "x", colour: "red" })).toThrow(/unknown option "colour"/);
    expect(() => send({ title: "x", estimate: 0 })).toThrow(/at least 1/);
    expect(() => discord.sendSlashCommand({ channelId: "general", userId: "bob", name: "task" })).toThrow(
      /needs a subcommand/,
    );
    expect(() => discord.sendSlashCommand({ channelId: "general", userId: "bob", name: "nope" })).toThrow(
      StandInUsageError,
    );
  });

  it("sends values Discord's client would refuse when asked to, so the bot's own checks can be tested", async () => {
    const { discord } = connected;
    const title = new Promise<string | null>((resolve) => {
      handler = async (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        resolve(interaction.options.getString("title"));
        await interaction.reply({ content: "Title is too long (max 200).", flags: MessageFlags.Ephemeral });
      };
    });
    const long = "x".repeat(201);
    const ix = discord.sendSlashCommand({
      channelId: "general",
      userId: "bob",
      name: "task",
      subcommand: "create",
      options: { title: long },
      unchecked: true,
    });
    expect(await title).toBe(long);
    expect((await ix.reply()).content).toBe("Title is too long (max 200).");
  });

  it("hides a command from members without its default permissions, unless sent unchecked", async () => {
    const { discord } = connected;
    expect(() =>
      discord.sendSlashCommand({
        channelId: "general",
        userId: "bob",
        name: "tasklane",
        subcommand: "config",
      }),
    ).toThrow(/cannot see \/tasklane/);
    let permitted: boolean | undefined;
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      permitted = interaction.memberPermissions!.has(PermissionFlagsBits.ManageChannels);
      await interaction.reply({
        content: permitted ? "ok" : "Manage Channels needed",
        flags: MessageFlags.Ephemeral,
      });
    };
    const ix = discord.sendSlashCommand({
      channelId: "general",
      userId: "bob",
      name: "tasklane",
      subcommand: "config",
      unchecked: true,
    });
    expect((await ix.reply()).content).toBe("Manage Channels needed");
    expect(permitted).toBe(false);
  });

  it("sends autocomplete with the focused option as typed and takes at most 25 choices", async () => {
    const { discord } = connected;
    let focused: unknown;
    handler = async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      focused = interaction.options.getFocused(true);
      const many = Array.from({ length: 30 }, (_, i) => ({ name: `#${i}`, value: i }));
      await interaction.respond(many).catch(() => interaction.respond(many.slice(0, 3)));
    };
    const ix = discord.autocomplete({
      channelId: "general",
      userId: "bob",
      name: "task",
      subcommand: "view",
      options: { task: "1" },
      focused: "task",
    });
    expect(await ix.choices()).toEqual([
      { name: "#0", value: 0 },
      { name: "#1", value: 1 },
      { name: "#2", value: 2 },
    ]);
    expect(focused).toMatchObject({ name: "task", value: "1" });
    expect(ix.record.refused).toMatchObject([{ status: 400, code: 50035 }]);
  });
});
