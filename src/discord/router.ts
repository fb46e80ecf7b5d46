import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  Client,
  Interaction,
  MessageContextMenuCommandInteraction,
  ModalSubmitInteraction,
} from "discord.js";
import type { TokenRequest } from "../cache/types.ts";
import { UserError } from "../domain/errors.ts";
import type { EventSource } from "../domain/task-states.ts";
import { actionContextOf } from "./actor.ts";
import { type CustomId, parseCustomId } from "./custom-id.ts";
import type { Failure, Guard, GuardedRunner } from "./guarded-runner.ts";
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
import type { EntryKind } from "./interaction-metrics.ts";
import { createPageStore } from "./list-pages.ts";
import { refusalText } from "./render/format.ts";
import { answerEphemeral, deferIfSlow } from "./respond.ts";

export interface RouterOptions extends DiscordDeps {
  client: Client;
  commands: readonly CommandModule[];
  components: ComponentRoutes;
  /** The one way in (claim, rate limit, in flight, errors): shared with the mention handler. */
  runner: GuardedRunner;
}

export interface InteractionRouter {
  handle(interaction: Interaction): Promise<void>;
}

const GARBLED =
  "That button or form is not one Tasklane recognises (it may be from an old version). Run the command again.";

/** Which interaction may carry each custom_id kind, and the source its changes are recorded with. */
const CARRIERS: Record<CustomIdKind, { surface: "button" | "modal"; source: EventSource }> = {
  card: { surface: "button", source: "button" },
  page: { surface: "button", source: "button" },
  card_form: { surface: "modal", source: "modal" },
  create_modal: { surface: "modal", source: "context_menu" },
};

/** Every interaction (slash, button, modal, autocomplete, context menu), dispatched to its owner through the runner. */
export function createInteractionRouter(options: RouterOptions): InteractionRouter {
  const { client, runner } = options;
  const slash = new Map<string, SlashCommandModule>();
  const message = new Map<string, MessageCommandModule>();
  for (const module of options.commands) {
    if (module.kind === "slash") slash.set(module.definition.name, module);
    else message.set(module.definition.name, module);
  }
  const pages = createPageStore(options.cache);
  const { services, cache, log } = options;

  function contextFor(interaction: Interaction & { guildId: string }, source: EventSource): HandlerContext {
    return { services, cache, log, client, pages, action: actionContextOf(interaction, source) };
  }

  async function dispatch(interaction: Interaction, read: Read, guard: Guard): Promise<void> {
    if (!interaction.inGuild())
      throw new UserError("Tasklane works inside a server, not in direct messages.");
    if (interaction.isAutocomplete()) return autocomplete(interaction, guard);
    if (interaction.isChatInputCommand()) return chatInput(interaction, read, guard);
    if (interaction.isMessageContextMenuCommand()) return contextMenu(interaction, guard);
    if (interaction.isButton() || interaction.isModalSubmit()) return component(interaction, read, guard);
    throw new UserError(GARBLED);
  }

  async function autocomplete(
    interaction: AutocompleteInteraction & { guildId: string },
    guard: Guard,
  ): Promise<void> {
    const module = slash.get(interaction.commandName);
    if (!module?.autocomplete) return interaction.respond([]);
    const ctx = contextFor(interaction, "slash");
    // Limited, it answers no suggestions (tell), never an error.
    await guard.limit(ctx.action, false);
    await module.autocomplete(interaction, ctx);
  }

  async function chatInput(
    interaction: ChatInputCommandInteraction & { guildId: string },
    read: Read,
    guard: Guard,
  ): Promise<void> {
    const module = slash.get(interaction.commandName);
    const handler = module?.subcommands[read.subcommand ?? subcommandKey(interaction)];
    if (!handler)
      throw new UserError("That command is not one Tasklane knows. Its commands may need redeploying.");
    const ctx = contextFor(interaction, "slash");
    await guard.limit(ctx.action, handler.write);
    if (handler.defer) deferIfSlow(interaction, "reply");
    await handler.run(interaction, ctx);
  }

  async function contextMenu(
    interaction: MessageContextMenuCommandInteraction & { guildId: string },
    guard: Guard,
  ): Promise<void> {
    const module = message.get(interaction.commandName);
    if (!module)
      throw new UserError("That command is not one Tasklane knows. Its commands may need redeploying.");
    const ctx = contextFor(interaction, "context_menu");
    await guard.limit(ctx.action, module.write);
    await module.run(interaction, ctx);
  }

  /** One dispatch for every custom_id: parsed, checked against the interaction that carried it, routed by kind. */
  async function component(
    interaction: (ButtonInteraction | ModalSubmitInteraction) & { guildId: string },
    read: Read,
    guard: Guard,
  ): Promise<void> {
    const id = read.customId;
    const carrier = id && CARRIERS[id.kind];
    if (!id || !carrier || carrier.surface !== (interaction.isButton() ? "button" : "modal"))
      throw new UserError(GARBLED);
    // The kind was checked against its carrier just above; TypeScript cannot correlate the two unions.
    const route = options.components[id.kind] as ComponentRoute<CustomIdKind>;
    const ctx = contextFor(interaction, carrier.source);
    await guard.limit(ctx.action, route.write);
    await route.run(interaction as never, id as never, ctx);
  }

  /**
   * The bucket the handler's `limit` call will take from (as dispatch() routes it), so the claim can
   * take the token in its round trip; undefined when the route is unknown (dispatch() refuses it).
   */
  function tokenFor(interaction: Interaction, read: Read): TokenRequest | undefined {
    if (!interaction.inGuild()) return undefined;
    const key = `${interaction.guildId}:${interaction.user.id}`;
    const token = (write: boolean | undefined): TokenRequest | undefined =>
      write === undefined ? undefined : { bucket: write ? "write" : "read", key };
    if (interaction.isAutocomplete())
      return slash.get(interaction.commandName)?.autocomplete ? token(false) : undefined;
    if (interaction.isChatInputCommand())
      return token(slash.get(interaction.commandName)?.subcommands[read.subcommand ?? ""]?.write);
    if (interaction.isMessageContextMenuCommand()) return token(message.get(interaction.commandName)?.write);
    if (interaction.isButton() || interaction.isModalSubmit()) {
      const id = read.customId;
      const carrier = id && CARRIERS[id.kind];
      if (!id || !carrier || carrier.surface !== (interaction.isButton() ? "button" : "modal"))
        return undefined;
      return token(options.components[id.kind].write);
    }
    return undefined;
  }

  /** Autocomplete answers no suggestions; everything else an ephemeral sentence. */
  async function tell(interaction: Interaction, failure: Failure): Promise<void> {
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) await interaction.respond([]);
    } else if (interaction.isRepliable()) {
      await answerEphemeral(
        interaction,
        failure.expected
          ? refusalText(failure.error.message)
          : `Sorry, something went wrong on our side (ref \`${failure.ref}\`).`,
      );
    }
  }

  return {
    handle(interaction) {
      const read = readOnce(interaction);
      const event = {
        id: interaction.id,
        kind: kindOf(interaction),
        createdAt: interaction.createdTimestamp,
        token: tokenFor(interaction, read),
        fields: {
          interactionId: interaction.id,
          guildId: interaction.guildId,
          userId: interaction.user.id,
          command: labelOf(interaction, read),
        },
      };
      return runner.run(event, {
        run: async (guard) => {
          await dispatch(interaction, read, guard);
          return undefined;
        },
        tell: (failure) => tell(interaction, failure),
      });
    },
  };
}

/**
 * What the routing, the rate-limit token and the log label all read from an interaction, read once:
 * the slash command's subcommand key, a component's parsed custom_id (null when garbled).
 */
interface Read {
  subcommand: string | undefined;
  customId: CustomId | null;
}

function readOnce(interaction: Interaction): Read {
  const subcommand =
    interaction.isChatInputCommand() || interaction.isAutocomplete() ? subcommandKey(interaction) : undefined;
  const customId =
    interaction.isMessageComponent() || interaction.isModalSubmit()
      ? parseCustomId(interaction.customId)
      : null;
  return { subcommand, customId };
}

function kindOf(interaction: Interaction): EntryKind {
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
function labelOf(interaction: Interaction, read: Read): string {
  const type: number = interaction.type;
  if (interaction.isChatInputCommand() || interaction.isAutocomplete()) {
    const label = `${interaction.commandName} ${read.subcommand ?? ""}`.trim();
    return interaction.isAutocomplete() ? `autocomplete ${label}` : label;
  }
  if (interaction.isCommand()) return interaction.commandName;
  if (interaction.isMessageComponent() || interaction.isModalSubmit()) {
    const id = read.customId;
    const kind = interaction.isModalSubmit() ? "modal" : "button";
    if (!id) return `${kind} (unrecognised)`;
    return `${kind} ${id.kind === "card" ? id.action : id.kind === "card_form" ? id.form : id.kind}`;
  }
  return `interaction type ${type}`;
}
