import type { DiscordStandIn, JsonObject, MessageEvent } from "../../test/stand-in/index.ts";

export interface CardButton {
  action: string;
  customId: string;
}

export interface TrackedCard {
  taskId: number;
  number: number | undefined;
  messageId: string;
  buttons: CardButton[];
}

const CARD_ID = /^t2:([a-z]+):(\d+):(\d+):(\d+)$/;
const NUMBER_IN_TITLE = /^#(\d+)/;

function buttonsOf(components: JsonObject[]): CardButton[] {
  const found: CardButton[] = [];
  const visit = (component: JsonObject) => {
    const customId = component.custom_id;
    if (component.type === 2 && typeof customId === "string" && component.disabled !== true) {
      const match = CARD_ID.exec(customId);
      if (match) found.push({ action: match[1]!, customId });
    }
    for (const child of (component.components as JsonObject[] | undefined) ?? []) visit(child);
  };
  for (const component of components) visit(component);
  return found;
}

/**
 * Follows the public task cards the bot posts and edits, so the load can click real buttons with
 * their current custom_ids (taskId and version), as people do.
 */
export class CardTracker {
  private readonly cards = new Map<number, TrackedCard>();
  private readonly ids: number[] = [];
  maxNumber = 0;

  constructor(standIn: DiscordStandIn) {
    standIn.on("message", (event) => this.onMessage(event));
  }

  private onMessage({ kind, stored }: MessageEvent): void {
    if (stored.sentBy !== "bot" || stored.ephemeral || kind === "delete") return;
    const buttons = buttonsOf(stored.message.components);
    const title = (stored.message.embeds[0]?.title as string | undefined) ?? "";
    const number = Number(NUMBER_IN_TITLE.exec(title)?.[1] ?? Number.NaN);
    if (Number.isFinite(number)) this.maxNumber = Math.max(this.maxNumber, number);
    const taskId = Number(CARD_ID.exec(buttons[0]?.customId ?? "")?.[2] ?? Number.NaN);
    if (!Number.isFinite(taskId)) return;
    if (!this.cards.has(taskId)) this.ids.push(taskId);
    this.cards.set(taskId, {
      taskId,
      number: Number.isFinite(number) ? number : undefined,
      messageId: stored.message.id,
      buttons,
    });
  }

  /** A card with a button for one of `actions`, picked at random. */
  pick(
    random: () => number,
    actions: readonly string[],
  ): { card: TrackedCard; button: CardButton } | undefined {
    for (let attempt = 0; attempt < 20 && this.ids.length > 0; attempt++) {
      const card = this.cards.get(this.ids[Math.floor(random() * this.ids.length)]!)!;
      const button = card.buttons.find((b) => actions.includes(b.action));
      if (button) return { card, button };
    }
    return undefined;
  }

  get size(): number {
    return this.cards.size;
  }
}
