import type { InteractionHandle, JsonObject } from "../../../test/stand-in/index.ts";
import { CallbackType } from "../../../test/stand-in/index.ts";
import { renderModal } from "../render-message.ts";
import { type ActionContext, ANSWER_WINDOW_MS, DEFERRED_WINDOW_MS } from "./context.ts";

/**
 * Waits for the bot's answer to an interaction as Discord would: an acknowledgement within 3 s
 * (else "The application did not respond"), then, for a deferred answer, the message filled in.
 * A modal is printed with the line that submits it. Messages themselves come through the feed.
 */
export async function awaitAnswer(handle: InteractionHandle, ctx: ActionContext): Promise<void> {
  // A callback later than the window is refused by the stand-in (10062), so it never arrives here.
  const callback = await handle.callback({ timeoutMs: ANSWER_WINDOW_MS + 250 }).catch(() => undefined);
  if (!callback) {
    const late = handle.record.refused.length > 0 ? " (its answer came too late)" : "";
    ctx.botFailed(`The application did not respond: no answer to ${handle.record.label} within 3 s${late}`);
    return;
  }
  if (callback.type === CallbackType.Modal) {
    const modal = handle.record.modal!;
    ctx.openModals.set(handle.record.userId, modal);
    ctx.print(renderModal(modal as unknown as JsonObject, ctx.render));
    return;
  }
  const deferred =
    callback.type === CallbackType.DeferredChannelMessage ||
    callback.type === CallbackType.DeferredUpdateMessage;
  if (!deferred) return;
  await handle.reply({ timeoutMs: DEFERRED_WINDOW_MS }).catch(() => {
    ctx.botFailed(`${handle.record.label}: the bot deferred its answer and never gave it`);
  });
}
