import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { renderAttempts } from "../../src/discord/render/task-attempts.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";

/** `/task attempts`: every attempt in full (summary, evidence, reason), for the actor only. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const number = interaction.options.getInteger("task", true);
  const [task, attempts] = await Promise.all([
    ctx.services.tasks.get(ctx.action, number),
    ctx.services.tasks.attempts(ctx.action, number),
  ]);
  const { embeds, file } = renderAttempts(task, attempts);
  const files = file ? [{ attachment: Buffer.from(file.text, "utf8"), name: file.name }] : [];
  await answerEphemeral(interaction, { embeds, ...(file ? { files } : {}) });
}
