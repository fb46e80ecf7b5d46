import type { TaskView } from "../../domain/task-view.ts";
import type { Marked } from "../../services/contracts.ts";
import { type UpdatableInteraction, updateClicked } from "../respond.ts";
import { type CardDeps, renderCardFor } from "./card-deps.ts";
import { refresh } from "./refresh.ts";

/** A click on a card (a button, or a form opened from one): answered by updating the card. */
export type ClickedCard = UpdatableInteraction;

/**
 * The clicked message shows `task` at once. On the live card the version is recorded before the edit,
 * settling the change's card outbox row (the dispatcher has nothing left to send), and checked after it: if a
 * newer version was recorded meanwhile, this edit may have landed last, so the newest is shown again.
 * `marked`: the change's own statement already recorded `task`'s version (TransitionResult.clickMark).
 */
export async function showOnClick(
  interaction: ClickedCard,
  deps: CardDeps,
  task: TaskView,
  reload: (task: TaskView) => Promise<TaskView>,
  marked?: Marked,
): Promise<void> {
  const { cards } = deps;
  const messageId = interaction.message.id;
  let shown = task;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const { outcome: recorded, previousVersion } =
      attempt === 0 && marked ? marked : await cards.markRendered(shown.id, messageId, shown.version);
    if (recorded === "newer") {
      shown = await reload(shown);
      continue;
    }
    try {
      await updateClicked(interaction, await renderCardFor(deps, shown));
    } catch (error) {
      // The card still shows what it showed: give the version back (the dispatcher may already have
      // skipped its edit, finding it recorded) and edit the card the dispatcher's way, over the channel.
      if (recorded === "marked" && previousVersion !== null) {
        await cards.restoreVersion(shown.id, shown.version, previousVersion).catch(() => undefined);
        await refresh(deps, shown).catch(() => undefined);
      }
      throw error;
    }
    if (recorded === "not_live" || !(await cards.supersededWhileSending(shown.id, shown.version))) return;
    shown = await reload(shown);
  }
}
