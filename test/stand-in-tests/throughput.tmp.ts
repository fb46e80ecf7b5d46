import { MessageFlags, SlashCommandBuilder } from "discord.js";
import { connectClient } from "./connect-client.ts";

const mode = process.argv[2] ?? "reply";
const c = await connectClient();
await c.client.application.commands.set(
  [new SlashCommandBuilder().setName("ping").setDescription("p").toJSON()],
  c.discord.guild().id,
);
c.client.on("interactionCreate", async (i) => {
  if (!i.isChatInputCommand()) return;
  if (mode === "reply") await i.reply({ content: "pong", flags: MessageFlags.Ephemeral });
  else {
    await i.deferReply({ flags: MessageFlags.Ephemeral });
    await i.editReply("pong");
  }
});
for (const rate of [200, 200, 500]) {
  const t0 = performance.now();
  const since = Date.now();
  const n = rate * 3;
  const handles = [];
  for (let k = 0; k < n; k++) {
    handles.push(c.discord.sendSlashCommand({ channelId: "general", userId: "bob", name: "ping" }));
    if (k % 10 === 9) await new Promise((r) => setTimeout(r, 1000 / (rate / 10)));
  }
  await Promise.all(handles.map((h) => h.callback({ timeoutMs: 30000 })));
  const s = c.discord.latencySummary(since);
  console.log(
    mode,
    rate,
    "/s:",
    n,
    "in",
    Math.round(performance.now() - t0),
    "ms",
    `p50=${s.p50.toFixed(1)} p90=${s.p90.toFixed(1)} p99=${s.p99.toFixed(1)} max=${s.max.toFixed(1)}`,
  );
}
await c.close();
