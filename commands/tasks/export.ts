import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";
import { UserError } from "../../src/domain/errors.ts";
import type { ExportFormat, ExportInput } from "../../src/services/contracts.ts";
import { MAX_EXPORT_TASKS } from "../../src/services/transfers/export-tasks.ts";

/** What Discord accepts as one attachment from a bot in a server without boosts. */
const DISCORD_FILE_LIMIT = 10 * 1024 * 1024;

/** `/tasks export format:csv|json [status] [scope]`: the tasks the actor can see, as a file only they get. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const format = interaction.options.getString("format", true) as ExportFormat;
  const status = (interaction.options.getString("status") ?? "all") as ExportInput["status"];
  const scope = interaction.options.getString("scope") === "server" ? "server" : "channel";
  const file = await ctx.services.transfers.exportTasks(ctx.action, { format, status, scope });
  const where = scope === "server" ? "this server" : "this channel";
  const which = `${String(status).replaceAll("_", " ")} tasks in ${where}`;
  if (file.count === 0) {
    await answerEphemeral(interaction, `No ${which} to export.`);
    return;
  }
  const bytes = Buffer.from(file.content, "utf8");
  if (bytes.length > DISCORD_FILE_LIMIT) {
    throw new UserError(
      `The export is ${(bytes.length / 1024 / 1024).toFixed(1)} MB, more than Discord takes in one file (10 MB). Pick a status, this channel, or CSV (no history).`,
    );
  }
  const cut = file.truncated
    ? ` (the newest ${MAX_EXPORT_TASKS.toLocaleString("en-US")}: the export stops there)`
    : "";
  await answerEphemeral(interaction, {
    content: `${file.count} ${which}${cut}, as ${format.toUpperCase()}.`,
    files: [{ attachment: bytes, name: file.filename }],
  });
}
