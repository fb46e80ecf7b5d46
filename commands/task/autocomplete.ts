import type { AutocompleteInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { oneLine } from "../../src/discord/render/format.ts";
import { fitChoices, LIMITS } from "../../src/discord/render/limits.ts";
import { STATUS_LABELS } from "../../src/discord/render/status-style.ts";

/** Autocomplete cannot be deferred: past this, answer with nothing rather than not at all. */
const DEADLINE_MS = 2_000;
const TASK_NUMBER_OPTIONS = new Set(["task", "parent", "on"]);

/** `task`, `parent`, `on`: number prefix or title words, live tasks first, 25 at most. */
export async function run(interaction: AutocompleteInteraction, ctx: HandlerContext) {
  const focused = interaction.options.getFocused(true);
  if (!TASK_NUMBER_OPTIONS.has(focused.name)) return interaction.respond([]);
  const query = String(focused.value).trim().replace(/^#/, "").slice(0, 100);
  const suggestions = await withDeadline(ctx.services.tasks.suggest(ctx.action, query, LIMITS.choices));
  await interaction.respond(
    fitChoices(
      (suggestions ?? []).map((ref) => ({
        name: `#${ref.number} · ${oneLine(ref.title)} (${STATUS_LABELS[ref.status]})`,
        value: ref.number,
      })),
    ),
  );
}

async function withDeadline<T>(work: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), DEADLINE_MS);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
