import type { Logger } from "pino";
import type { Gateway } from "./gateway/gateway.ts";
import type { InteractionRecord } from "./interactions/record.ts";
import type { InteractionRegistry } from "./interactions/registry.ts";
import type { Cdn } from "./state/cdn.ts";
import type { CommandStore } from "./state/commands.ts";
import type { MessageStore } from "./state/messages.ts";
import type { Messaging } from "./state/messaging.ts";
import type { Threads } from "./state/threads.ts";
import type { World } from "./state/world.ts";

export interface Settings {
  /** how long after dispatch an interaction accepts its first callback (Discord: 3 s) */
  interactionTimeoutMs: number;
  /** how long the interaction token works for follow-ups and edits (Discord: 15 min) */
  followUpWindowMs: number;
  /** how long Discord remembers an enforced nonce ("a few minutes") */
  nonceWindowMs: number;
  /** the invoking user's client locale in interactions */
  locale: string;
}

export type InteractionEventName = "dispatched" | "callback" | "refused" | "followup" | "edit" | "delete";

/** The parts of the stand-in the REST routes and the drivers share. */
export interface Core {
  world: World;
  messages: MessageStore;
  messaging: Messaging;
  threads: Threads;
  commands: CommandStore;
  interactions: InteractionRegistry;
  gateway: Gateway;
  /** attachment bytes at signed URLs, served on the stand-in's port */
  cdn: Cdn;
  settings: Settings;
  logger: Logger;
  interactionEvent(name: InteractionEventName, record: InteractionRecord): void;
}
