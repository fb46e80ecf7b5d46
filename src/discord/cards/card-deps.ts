import type { HandlerContext } from "../handler-types.ts";
import type { CardDeps } from "./refresh.ts";

export function cardDepsOf(ctx: HandlerContext): CardDeps {
  return { client: ctx.client, cards: ctx.services.cards, settings: ctx.services.settings, log: ctx.log };
}
