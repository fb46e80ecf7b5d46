import { pino } from "pino";
import type { Core, InteractionEventName } from "./core.ts";
import { Gateway } from "./gateway/gateway.ts";
import { PRIVILEGED_INTENT_NAMES, PRIVILEGED_INTENTS } from "./gateway/intents.ts";
import type { InteractionRecord } from "./interactions/record.ts";
import { InteractionRegistry } from "./interactions/registry.ts";
import { DEFAULTS, type StandInOptions } from "./options.ts";
import { Cdn } from "./state/cdn.ts";
import { CommandStore } from "./state/commands.ts";
import { MessageStore } from "./state/messages.ts";
import { type MessageEvent, Messaging } from "./state/messaging.ts";
import { Threads } from "./state/threads.ts";
import type { World } from "./state/world.ts";

export interface CoreHooks {
  gatewayUrl(): string;
  /** `http://127.0.0.1:<port>`: where the CDN paths are served */
  cdnUrl(): string;
  gatewayChanged(): void;
  message(event: MessageEvent): void;
  interaction(name: InteractionEventName, record: InteractionRecord): void;
}

/** Wires the state, the gateway and the settings the routes and drivers share. */
export function assembleCore(world: World, options: StandInOptions, hooks: CoreHooks): Core {
  const logger =
    options.logger ??
    pino({ level: process.env.STANDIN_LOG_LEVEL ?? "warn", base: { component: "discord-stand-in" } });
  const messages = new MessageStore();
  const interactions = new InteractionRegistry();
  const gateway = new Gateway(
    world,
    {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs,
      token: options.token,
      allowedPrivilegedIntents: privilegedIntents(options),
      url: hooks.gatewayUrl,
    },
    logger,
    hooks.gatewayChanged,
  );
  const cdn = new Cdn(hooks.cdnUrl);
  const messaging = new Messaging(world, messages, gateway, cdn, (event) => {
    if (event.kind === "update") interactions.sourceEdited(event.stored.message.id);
    hooks.message(event);
  });
  return {
    world,
    messages,
    messaging,
    threads: new Threads(world, gateway),
    commands: new CommandStore(world.application.id, world.ids),
    interactions,
    gateway,
    cdn,
    settings: {
      interactionTimeoutMs: options.interactionTimeoutMs ?? DEFAULTS.interactionTimeoutMs,
      followUpWindowMs: options.followUpWindowMs ?? DEFAULTS.followUpWindowMs,
      nonceWindowMs: options.nonceWindowMs ?? DEFAULTS.nonceWindowMs,
      locale: options.locale ?? DEFAULTS.locale,
    },
    logger,
    interactionEvent: hooks.interaction,
  };
}

/** The privileged intents switched on for the application, as a bitmask (default: all three). */
export function privilegedIntents(options: StandInOptions): number {
  const names =
    options.privilegedIntents ??
    (Object.keys(PRIVILEGED_INTENT_NAMES) as (keyof typeof PRIVILEGED_INTENT_NAMES)[]);
  return (
    names.map((name) => PRIVILEGED_INTENT_NAMES[name]).reduce((all, bit) => all | bit, 0) & PRIVILEGED_INTENTS
  );
}
