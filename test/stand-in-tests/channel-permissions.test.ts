import { type ChatInputCommandInteraction, PermissionFlagsBits as P, SlashCommandBuilder } from "discord.js";
import { beforeAll, describe, expect, it } from "vitest";
import type { StandInOptions } from "../stand-in/index.ts";
import { useConnectedClient } from "./connect-client.ts";

const WORLD: StandInOptions = {
  guilds: [
    {
      name: "HQ",
      owner: "olivia",
      roles: [{ name: "Leads" }],
      channels: [
        "general",
        {
          name: "leads",
          overwrites: [
            { role: "@everyone", deny: ["ViewChannel"] },
            { role: "Leads", allow: ["ViewChannel", "ManageChannels"] },
          ],
          threads: ["plans"],
        },
      ],
      members: ["olivia", { username: "lena", roles: ["Leads"] }, "bob"],
    },
  ],
};

const ping = new SlashCommandBuilder().setName("ping").setDescription("Ping");

describe("private channels and threads, as Discord has them", () => {
  const connected = useConnectedClient(WORLD);
  let received: ChatInputCommandInteraction[] = [];

  beforeAll(async () => {
    connected.client.on("interactionCreate", (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      received.push(interaction);
      void interaction.reply("pong");
    });
    await connected.client.application.commands.set([ping.toJSON()], connected.discord.guild().id);
  });

  const thread = () =>
    [...connected.discord.guild().channels.values()].find((channel) => channel.name === "plans")!;

  it("GUILD_CREATE sends the channels with their overwrites and the roles; threads apart, with their parent", () => {
    const guild = connected.client.guilds.cache.get(connected.discord.guild().id)!;
    const leads = guild.channels.cache.find((channel) => channel.name === "leads")!;
    expect(leads.isThread()).toBe(false);
    if (leads.isThread()) return;
    expect(leads.permissionOverwrites.cache.get(guild.id)?.deny.has(P.ViewChannel)).toBe(true);
    expect(guild.roles.cache.map((role) => role.name)).toEqual(
      expect.arrayContaining(["@everyone", "Leads"]),
    );
    const plans = guild.channels.cache.get(thread().id)!;
    expect(plans.isThread()).toBe(true);
    expect(plans.isThread() && plans.parentId).toBe(leads.id);
  });

  it("a thread takes its parent's overwrites; without View nothing else holds", () => {
    const { discord } = connected;
    const lena = discord.user("lena").id;
    const bob = discord.user("bob").id;
    const inThread = discord.world.channelPermissions(thread().id, lena);
    expect(inThread & P.ManageChannels).toBe(P.ManageChannels);
    expect(discord.world.channelPermissions(thread().id, bob)).toBe(0n);
    expect(discord.world.channelPermissions(discord.channel("leads").id, bob)).toBe(0n);
  });

  it("an interaction in a thread carries member.permissions computed with the parent's overwrites", async () => {
    received = [];
    const { discord } = connected;
    await discord.sendSlashCommand({ channelId: thread().id, userId: "lena", name: "ping" }).reply();
    const [interaction] = received;
    expect(interaction?.channel?.isThread()).toBe(true);
    expect(interaction?.memberPermissions?.has(P.ManageChannels)).toBe(true);
    const general = await discord.sendSlashCommand({ channelId: "general", userId: "lena", name: "ping" });
    await general.reply();
    expect(received[1]?.memberPermissions?.has(P.ManageChannels)).toBe(false);
  });
});
