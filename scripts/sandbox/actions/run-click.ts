import type { JsonObject, StoredMessage } from "../../../test/stand-in/index.ts";
import { awaitAnswer } from "./await-answer.ts";
import type { ActionContext } from "./context.ts";

/**
 * `click Approve on #3`: the button with that label on task #3's card (the live public card before
 * any ephemeral copy); `click Next`: on the newest message the user can see that shows it.
 */
export async function runClick(label: string, task: number | undefined, ctx: ActionContext): Promise<void> {
  const visible = ctx
    .botMessages()
    .filter((m) => !m.ephemeral || m.visibleTo === ctx.user.id)
    .reverse();
  const candidates = task === undefined ? visible : visible.filter((m) => showsTask(m, task));
  if (candidates.length === 0) {
    ctx.refuse(
      task === undefined ? "there is no message with buttons yet" : `there is no card for #${task} yet`,
    );
    return;
  }
  const withButton = (m: StoredMessage) =>
    buttonLabels(m).find((l) => l.toLowerCase() === label.toLowerCase());
  const ordered =
    task === undefined
      ? [...candidates.filter((m) => m.message.channel_id === ctx.channel.id), ...candidates]
      : [...candidates.filter((m) => !m.ephemeral), ...candidates];
  const target = ordered.find((m) => withButton(m) !== undefined);
  if (!target) {
    const shown = ordered[0]!;
    const where = task === undefined ? "No message shows" : `#${task}'s card has no`;
    const buttons =
      buttonLabels(shown)
        .map((l) => `[${l}]`)
        .join(" ") || "no buttons";
    ctx.refuse(`${where} a "${label}" button${task === undefined ? "" : `; it shows ${buttons}`}`);
    return;
  }
  const handle = ctx.standIn.clickButton({
    message: target.message.id,
    userId: ctx.user.id,
    label: withButton(target)!,
  });
  await awaitAnswer(handle, ctx);
}

/** A task card (or a copy of one): its embed's title starts with `#12 ·`. */
function showsTask(stored: StoredMessage, task: number): boolean {
  return stored.message.embeds.some((e) => typeof e.title === "string" && e.title.startsWith(`#${task} `));
}

function buttonLabels(stored: StoredMessage): string[] {
  return stored.message.components.flatMap((row) =>
    ((row.components ?? []) as JsonObject[])
      .filter((c) => c.type === 2 && c.disabled !== true && typeof c.label === "string")
      .map((c) => String(c.label)),
  );
}
