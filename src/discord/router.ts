import { randomBytes } from "node:crypto";
import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  Client,
  Interaction,
  MessageContextMenuCommandInteraction,
  ModalSubmitInteraction,
} from "discord.js";
import { RateLimitedError, UserError } from "../domain/errors.ts";
import type { EventSource } from "../domain/task-states.ts";
import { databaseFaultOf } from "../services/database-faults.ts";
import { actorOf } from "./actor.ts";
import { parseCustomId } from "./custom-id.ts";
import type {
  CommandModule,
  ComponentRoute,
  ComponentRoutes,
  CustomIdKind,
  DiscordDeps,
  HandlerContext,
  MessageCommandModule,
  SlashCommandModule,
} from "./handler-types.ts";
import { createInFlight } from "./in-flight.ts";
import { asIncompleteInput } from "./incomplete-input.ts";
import type { InteractionOutcome } from "./interaction-metrics.ts";
import { createPageStore } from "./list-pages.ts";
import { refusalText } from "./render/format.ts";
import { answerEphemeral, deferEphemeral } from "./respond.ts";

export interface RouterOptions extends DiscordDeps {
  client: Client;
  commands: readonly CommandModule[];
  components: ComponentRoutes;
  /** Called once per interaction after it was answered (metrics). */
  onAnswered?: (event: InteractionOutcome) => void;
}

export interface InteractionRouter {
  handle(interaction: Interaction): Promise<void>;
  /** Stops taking interactions (new ones get a short "restarting" answer) and waits for those in flight. */
  drain(timeoutMs?: number): Promise<void>;
  inFlight(): number;
}

const GARBLED =
  "That button or form is not one Tasklane recognises (it may be from an old version). Run the command again.";
const RESTARTING = "Tasklane is restarting; try again in a few seconds.";
/**
 * While stopping, an instance claims late: another instance on the same shard (a rolling deploy)
 * takes the interaction and answers it properly; alone, this one still tells the user to retry.
 */
const DRAINING_CLAIM_DELAY_MS = 1_000;

/** Which interaction may carry each custom_id kind, and the source its changes are recorded with. */
const CARRIERS: Record<CustomIdKind, { surface: "button" | "modal"; source: EventSource }> = {
  card: { surface: "button", source: "button" },
  page: { surface: "button", source: "button" },
  card_form: { surface: "modal", source: "modal" },
  create_modal: { surface: "modal", source: "context_menu" },
};

/** One entry point and one try/catch for every interaction: slash, button, modal, autocomplete, context menu. */
export function createInteractionRouter(options: RouterOptions): InteractionRouter {
  const { log, client } = options;
  const slash = new Map<string, SlashCommandModule>();
  const message = new Map<string, MessageCommandModule>();
  for (const module of options.commands) {
    if (module.kind === "slash") slash.set(module.definition.name, module);
    else message.set(module.definition.name, module);
  }
  const pages = createPageStore(options.cache);
  const inFlight = createInFlight();

  function contextFor(interaction: Interaction & { guildId: string }, source: EventSource): HandlerContext {
    if (!interaction.channelId) throw new UserError("Tasklane can only act inside a channel.");
    return {
      ...options,
      client,
      pages,
      action: {
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        actor: actorOf(interaction),
        source,
        eventId: interaction.id,
      },
    };
  }

  /** Writes and reads have buckets of their own per user and server; reads are the more generous. */
  async function limit(ctx: HandlerContext, write: boolean): Promise<void> {
    const limiter = write ? options.cache.rateLimiter : options.cache.readRateLimiter;
    const decision = await limiter.take(`${ctx.action.guildId}:${ctx.action.actor.userId}`);
    if (!decision.allowed) throw new RateLimitedError(decision.retryAfterMs);
  }

  async function dispatch(interaction: Interaction): Promise<void> {
    if (!interaction.inGuild())
      throw new UserError("Tasklane works inside a server, not in direct messages.");
    if (interaction.isAutocomplete()) return autocomplete(interaction);
    if (interaction.isChatInputCommand()) return chatInput(interaction);
    if (interaction.isMessageContextMenuCommand()) return contextMenu(interaction);
    if (interaction.isButton() || interaction.isModalSubmit()) return component(interaction);
    throw new UserError(GARBLED);
  }

  async function autocomplete(interaction: AutocompleteInteraction & { guildId: string }): Promise<void> {
    const module = slash.get(interaction.commandName);
    if (!module?.autocomplete) return interaction.respond([]);
    const ctx = contextFor(interaction, "slash");
    // Limited, it answers no suggestions (answerFailure), never an error.
    await limit(ctx, false);
    await module.autocomplete(interaction, ctx);
  }

  async function chatInput(interaction: ChatInputCommandInteraction & { guildId: string }): Promise<void> {
    const module = slash.get(interaction.commandName);
    const handler = module?.subcommands[subcommandKey(interaction)];
    if (!handler)
      throw new UserError("That command is not one Tasklane knows. Its commands may need redeploying.");
    const ctx = contextFor(interaction, "slash");
    await limit(ctx, handler.write);
    if (handler.defer) await deferEphemeral(interaction);
    await handler.run(interaction, ctx);
  }

  async function contextMenu(interaction: MessageContextMenuCommandInteraction & { guildId: string }) {
    const module = message.get(interaction.commandName);
    if (!module)
      throw new UserError("That command is not one Tasklane knows. Its commands may need redeploying.");
    const ctx = contextFor(interaction, "context_menu");
    await limit(ctx, module.write);
    await module.run(interaction, ctx);
  }

  /** One dispatch for every custom_id: parsed, checked against the interaction that carried it, routed by kind. */
  async function component(
    interaction: (ButtonInteraction | ModalSubmitInteraction) & { guildId: string },
  ): Promise<void> {
    const id = parseCustomId(interaction.customId);
    const carrier = id && CARRIERS[id.kind];
    if (!id || !carrier || carrier.surface !== (interaction.isButton() ? "button" : "modal"))
      throw new UserError(GARBLED);
    // The kind was checked against its carrier just above; TypeScript cannot correlate the two unions.
    const route = options.components[id.kind] as ComponentRoute<CustomIdKind>;
    const ctx = contextFor(interaction, carrier.source);
    await limit(ctx, route.write);
    await route.run(interaction as never, id as never, ctx);
  }

  async function answerFailure(interaction: Interaction, thrown: unknown, fields: object): Promise<string> {
    // A database fault outside a service call (the card store) reads the same as inside one.
    const fault = databaseFaultOf(thrown);
    if (fault) log.warn({ ...fields, err: thrown }, "database fault outside a service; asked to try again");
    const error = asIncompleteInput(fault ?? thrown);
    const expected = error instanceof UserError;
    const ref = expected ? null : randomBytes(4).toString("hex").toUpperCase();
    if (ref) log.error({ ...fields, ref, err: error }, "interaction failed");
    try {
      if (interaction.isAutocomplete()) {
        if (!interaction.responded) await interaction.respond([]);
      } else if (interaction.isRepliable()) {
        await answerEphemeral(
          interaction,
          expected ? refusalText(error.message) : `Sorry, something went wrong on our side (ref \`${ref}\`).`,
        );
      }
    } catch (answerError) {
      log.warn({ ...fields, ref, err: answerError }, "could not tell the user about a failure");
    }
    return expected ? `refused:${error.code}` : "error";
  }

  /** Every interaction is claimed before any work: the loser (another instance has it) does nothing. */
  async function claim(interaction: Interaction): Promise<boolean> {
    if (inFlight.draining) await new Promise((resolve) => setTimeout(resolve, DRAINING_CLAIM_DELAY_MS));
    return options.services.events.claim(interaction.id);
  }

  async function handle(interaction: Interaction): Promise<void> {
    const started = performance.now();
    const fields = {
      interactionId: interaction.id,
      guildId: interaction.guildId,
      userId: interaction.user.id,
      command: describe(interaction),
    };
    let outcome = "ok";
    try {
      if (!(await claim(interaction))) {
        log.debug(fields, "interaction claimed by another instance");
        return;
      }
      if (inFlight.draining) throw new UserError(RESTARTING);
      await dispatch(interaction);
    } catch (error) {
      outcome = await answerFailure(interaction, error, fields);
    }
    const ms = Math.round(performance.now() - started);
    log.info({ ...fields, outcome, ms }, "interaction");
    options.onAnswered?.({ kind: kindOf(interaction), outcome, ms });
  }

  return {
    handle(interaction) {
      return inFlight.track(handle(interaction));
    },
    async drain(timeoutMs = 10_000) {
      await inFlight.drain(timeoutMs);
      if (inFlight.size)
        log.warn({ inFlight: inFlight.size }, "stopped waiting for interactions still in flight");
    },
    inFlight: () => inFlight.size,
  };
}

function kindOf(interaction: Interaction): InteractionOutcome["kind"] {
  if (interaction.isAutocomplete()) return "autocomplete";
  if (interaction.isChatInputCommand()) return "slash";
  if (interaction.isContextMenuCommand()) return "context_menu";
  if (interaction.isButton()) return "button";
  if (interaction.isModalSubmit()) return "modal";
  return "other";
}

function subcommandKey(interaction: ChatInputCommandInteraction | AutocompleteInteraction): string {
  const group = interaction.options.getSubcommandGroup(false);
  const sub = interaction.options.getSubcommand(false) ?? "";
  return group ? `${group} ${sub}` : sub;
}

/** The command label in logs: "task create", "button approve", "modal rework-reason". */
export function describe(interaction: Interaction): string {
  const type: number = interaction.type;
  if (interaction.isChatInputCommand() || interaction.isAutocomplete()) {
    const label = `${interaction.commandName} ${subcommandKey(interaction)}`.trim();
    return interaction.isAutocomplete() ? `autocomplete ${label}` : label;
  }
  if (interaction.isCommand()) return interaction.commandName;
  if (interaction.isMessageComponent() || interaction.isModalSubmit()) {
    const id = parseCustomId(interaction.customId);
    const kind = interaction.isModalSubmit() ? "modal" : "button";
    if (!id) return `${kind} (unrecognised)`;
    return `${kind} ${id.kind === "card" ? id.action : id.kind === "card_form" ? id.form : id.kind}`;
  }
  return `interaction type ${type}`;
}
