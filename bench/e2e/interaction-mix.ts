import type { DiscordStandIn, InteractionRecord } from "../../test/stand-in/index.ts";
import { WORDS } from "../support/vocabulary.ts";
import { seededRandom } from "../support/zipf.ts";
import type { CardTracker } from "./card-tracker.ts";
import { CHANNELS, GUILD, LEADS, MEMBERS } from "./world.ts";

export type InteractionKind = "create" | "view" | "list" | "queue" | "button";

/** Shares of the mix: what a busy server's members do, per 100 interactions. */
export const MIX: Record<InteractionKind, number> = { create: 20, view: 30, list: 10, queue: 10, button: 30 };

const FLOW = ["claim", "start", "submit", "approve"] as const;

/**
 * Builds one interaction at a time, as members would: create tasks, view recent ones (newer more
 * often), list and queue a channel, and click the buttons on the cards (claim → start → submit by
 * the same member, approve by a lead).
 */
export function createMix(standIn: DiscordStandIn, cards: CardTracker, seed = 5) {
  const random = seededRandom(seed);
  const claimers = new Map<number, string>();
  const any = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const kinds = Object.entries(MIX) as [InteractionKind, number][];
  const total = kinds.reduce((sum, [, share]) => sum + share, 0);
  const pickKind = (): InteractionKind => {
    let roll = random() * total;
    for (const [kind, share] of kinds) {
      roll -= share;
      if (roll < 0) return kind;
    }
    return "view";
  };
  const where = () => ({ guildId: GUILD, channelId: any(CHANNELS), userId: any(MEMBERS) });

  const view = (): InteractionRecord | undefined => {
    if (cards.maxNumber === 0) return undefined;
    const number = cards.maxNumber - Math.floor(cards.maxNumber * random() ** 3);
    return standIn.sendSlashCommand({
      ...where(),
      name: "task",
      subcommand: "view",
      options: { task: Math.max(1, number) },
    }).record;
  };

  const click = (): InteractionRecord | undefined => {
    const picked = cards.pick(random, FLOW);
    if (!picked) return undefined;
    const { card, button } = picked;
    let userId: string;
    if (button.action === "claim") {
      userId = any(MEMBERS);
      claimers.set(card.taskId, userId);
    } else if (button.action === "approve") {
      userId = any(LEADS);
    } else {
      userId = claimers.get(card.taskId) ?? any(MEMBERS);
    }
    try {
      return standIn.clickButton({ message: card.messageId, customId: button.customId, userId }).record;
    } catch {
      return undefined; // the card changed since we looked: a person would see the new buttons
    }
  };

  const build: Record<InteractionKind, () => InteractionRecord | undefined> = {
    create: () => {
      const title = Array.from({ length: 3 + Math.floor(random() * 5) }, () => any(WORDS)).join(" ");
      const options: Record<string, string> = {
        title,
        priority: any(["low", "medium", "medium", "high", "critical"]),
      };
      if (random() < 0.5) options.labels = any(["bug", "backend, api", "docs", "ui, frontend"]);
      return standIn.sendSlashCommand({ ...where(), name: "task", subcommand: "create", options }).record;
    },
    view,
    list: () => standIn.sendSlashCommand({ ...where(), name: "tasks", subcommand: "list" }).record,
    queue: () => standIn.sendSlashCommand({ ...where(), name: "tasks", subcommand: "queue" }).record,
    button: click,
  };

  /** Sends one of `kind`; falls back to a view (or a create) when its kind has no target yet. */
  const sendOf = (kind: InteractionKind): { kind: InteractionKind; record: InteractionRecord } => {
    const record = build[kind]();
    if (record) return { kind, record };
    const fallback = view();
    if (fallback) return { kind: "view", record: fallback };
    return { kind: "create", record: build.create()! };
  };
  /** Sends one interaction of the mix. `.only(kind)`: a sender of that kind alone (CPU per kind). */
  return Object.assign(() => sendOf(pickKind()), {
    only: (kind: InteractionKind) => () => sendOf(kind),
  });
}
