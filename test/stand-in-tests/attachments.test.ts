import {
  AttachmentBuilder,
  type ChatInputCommandInteraction,
  type Interaction,
  MessageFlags,
  SlashCommandBuilder,
} from "discord.js";
import { beforeAll, describe, expect, it } from "vitest";
import { StandInUsageError } from "../stand-in/index.ts";
import { useConnectedClient } from "./connect-client.ts";

const upload = new SlashCommandBuilder()
  .setName("upload")
  .setDescription("Takes a file")
  .addAttachmentOption((o) => o.setName("file").setDescription("The file").setRequired(true));

describe("attachments through the stand-in (options, uploads, the CDN)", () => {
  const connected = useConnectedClient();
  let handler: (interaction: ChatInputCommandInteraction) => Promise<unknown> = async () => {};
  beforeAll(async () => {
    connected.client.on("interactionCreate", (interaction: Interaction) => {
      if (interaction.isChatInputCommand()) handler(interaction).catch(() => {});
    });
    await connected.client.application.commands.set([upload.toJSON()], connected.discord.guild().id);
  });

  it("delivers an attachment option as Discord does (id + resolved.attachments) and serves its signed URL", async () => {
    let seen: { name: string; size: number; contentType: string | null; url: string } | undefined;
    handler = async (interaction) => {
      const file = interaction.options.getAttachment("file", true);
      seen = { name: file.name, size: file.size, contentType: file.contentType, url: file.url };
      await interaction.reply({ content: "got it", flags: MessageFlags.Ephemeral });
    };
    const content = '{"tasks": []}\n';
    const ix = connected.discord.sendSlashCommand({
      channelId: "general",
      userId: "alice",
      name: "upload",
      options: { file: { filename: "tasks.json", content, contentType: "application/json" } },
    });
    await ix.reply();
    const data = ix.record.payload.data as {
      options: { value: string }[];
      resolved: { attachments: Record<string, { id: string; ephemeral: boolean }> };
    };
    const id = data.options[0]!.value;
    expect(data.resolved.attachments[id]).toMatchObject({ id, ephemeral: true });
    expect(seen).toMatchObject({ name: "tasks.json", size: content.length, contentType: "application/json" });
    expect(seen!.url).toMatch(
      /\/ephemeral-attachments\/\d+\/\d+\/tasks\.json\?ex=[0-9a-f]+&is=[0-9a-f]+&hm=[0-9a-f]+&$/,
    );

    const response = await fetch(seen!.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.text()).toBe(content);
    const forged = seen!.url.replace(
      /hm=([0-9a-f])/,
      (_match, first: string) => `hm=${first === "0" ? "1" : "0"}`,
    );
    const tampered = await fetch(forged);
    expect(tampered.status).toBe(404);
    expect(await tampered.text()).toBe("This content is no longer available.");
    expect((await fetch(seen!.url.split("?")[0]!)).status).toBe(404);
  });

  it("stores the files a bot uploads with its reply and serves them at the attachment's URL", async () => {
    handler = async (interaction) => {
      await interaction.reply({
        content: "here",
        files: [new AttachmentBuilder(Buffer.from("a,b\r\n1,2\r\n"), { name: "export.csv" })],
        flags: MessageFlags.Ephemeral,
      });
    };
    const reply = await connected.discord
      .sendSlashCommand({
        channelId: "general",
        userId: "bob",
        name: "upload",
        options: { file: { filename: "x.txt", content: "x" } },
      })
      .reply();
    const [attachment] = reply.attachments as { filename: string; url: string; size: number }[];
    expect(attachment).toMatchObject({ filename: "export.csv", size: 10 });
    expect(await (await fetch(attachment!.url)).text()).toBe("a,b\r\n1,2\r\n");
  });

  it("refuses what Discord's client would not upload: a file over the size limit, a text for a file", () => {
    const big = { filename: "big.json", content: new Uint8Array(10_485_761) };
    expect(() =>
      connected.discord.sendSlashCommand({
        channelId: "general",
        userId: "bob",
        name: "upload",
        options: { file: big },
      }),
    ).toThrow(StandInUsageError);
    expect(() =>
      connected.discord.sendSlashCommand({
        channelId: "general",
        userId: "bob",
        name: "upload",
        options: { file: "tasks.json" },
      }),
    ).toThrow(/must be a file/);
  });
});
