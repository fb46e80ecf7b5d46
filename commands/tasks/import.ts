import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { readAttachmentText } from "../../src/discord/read-attachment.ts";
import { inlineCode } from "../../src/discord/render/format.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";
import { statusWords, TASK_STATUSES } from "../../src/domain/task-states.ts";
import { MAX_IMPORT_BYTES } from "../../src/services/transfers/import-taskmaster.ts";
import type { ImportReport } from "../../src/services/views.ts";

const SHOWN_WARNINGS = 5;

/** `/tasks import file:<tasks.json> [dry-run] [tag]`: a Task Master file into this channel (admins). */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const attachment = interaction.options.getAttachment("file", true);
  const text = await readAttachmentText(attachment, {
    maxBytes: MAX_IMPORT_BYTES,
    apiUrl: ctx.client.options.rest?.api,
  });
  const tag = interaction.options.getString("tag") ?? undefined;
  const report = await ctx.services.transfers.importTaskMaster(
    { ...ctx.action, source: "import" },
    { text, dryRun: interaction.options.getBoolean("dry-run") ?? false, ...(tag ? { tag } : {}) },
  );
  await answerEphemeral(interaction, importSummary(report, attachment.name));
}

export function importSummary(report: ImportReport, filename: string): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const statuses = TASK_STATUSES.filter((status) => report.createdByStatus[status])
    .map((status) => `${report.createdByStatus[status]} ${statusWords(status)}`)
    .join(", ");
  const created = `${plural(report.created.length, "task")}${statuses ? ` (${statuses})` : ""}`;
  const counts = report.dryRun
    ? `Dry run of ${inlineCode(filename)} (tag ${inlineCode(report.tag)}): would create ${created}, update ${report.updated.length}; ${report.unchanged} unchanged. Nothing was written.`
    : `Imported ${inlineCode(filename)} (tag ${inlineCode(report.tag)}): created ${created}, updated ${report.updated.length}; ${report.unchanged} unchanged.${report.created.length + report.updated.length > 0 ? " Their cards are being posted here." : ""}`;
  const warnings = report.warnings.slice(0, SHOWN_WARNINGS).map((warning) => `• ${inlineCode(warning)}`);
  if (report.warnings.length > SHOWN_WARNINGS)
    warnings.push(`… and ${report.warnings.length - SHOWN_WARNINGS} more`);
  return warnings.length > 0
    ? `${counts}\n${plural(report.warnings.length, "warning")}:\n${warnings.join("\n")}`
    : counts;
}
