import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  Client,
  MessageContextMenuCommandInteraction,
  ModalSubmitInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from "discord.js";
import type { Cache } from "../cache/types.ts";
import type { TaskView } from "../domain/task-view.ts";
import type { Logger } from "../log.ts";
import type { ActionContext, Services, TaskService } from "../services/contracts.ts";
import type { CustomId } from "./custom-id.ts";
import type { PageStore } from "./list-pages.ts";
import type { MentionCommand } from "./mentions/parse-mention.ts";

/** What the Discord layer is built from (app.ts passes these). */
export interface DiscordDeps {
  services: Services;
  cache: Cache;
  log: Logger;
}

/**
 * What every handler gets: the deps, the client, and who acts where. Handlers do not edit cards after
 * a change: the engine writes a `card` outbox row in the changing transaction and the dispatcher
 * (src/discord/delivery) edits the card through refreshCard — one path for every cause of a change.
 */
export interface HandlerContext extends DiscordDeps {
  client: Client;
  action: ActionContext;
  /** Where list pages wait for their Previous/Next clicks. */
  pages: PageStore;
}

export interface Subcommand {
  /** Rate limited per user and server: writes in one bucket, reads in another, more generous one. */
  write: boolean;
  /** May take longer than Discord's 3 s: the router defers an ephemeral reply if no answer came within 1.5 s. */
  defer?: boolean;
  run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void>;
}

export interface SlashCommandModule {
  kind: "slash";
  definition: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Keyed by "create", or "agent add" for a subcommand in a group. */
  subcommands: Record<string, Subcommand>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: HandlerContext): Promise<void>;
}

export interface MessageCommandModule {
  kind: "message";
  definition: RESTPostAPIContextMenuApplicationCommandsJSONBody;
  write: boolean;
  run(interaction: MessageContextMenuCommandInteraction, ctx: HandlerContext): Promise<void>;
}

export type CommandModule = SlashCommandModule | MessageCommandModule;

export type CustomIdKind = CustomId["kind"];
type IdOf<K extends CustomIdKind> = Extract<CustomId, { kind: K }>;

/** The interaction that carries each custom_id kind: a button's click or a modal's submit. */
export interface ComponentInteractions {
  card: ButtonInteraction;
  page: ButtonInteraction;
  card_form: ModalSubmitInteraction;
  create_modal: ModalSubmitInteraction;
}

export interface ComponentRoute<K extends CustomIdKind> {
  write: boolean;
  run(interaction: ComponentInteractions[K], id: IdOf<K>, ctx: HandlerContext): Promise<void>;
}

/** Every custom_id kind has exactly one owner; commands/index.ts assembles them. */
export type ComponentRoutes = { [K in CustomIdKind]: ComponentRoute<K> };

/**
 * What a mention command did: one human sentence in the bot's words only (the reply adds the task's
 * title after its json block) and the task it concerns (null: none, e.g. queue empty).
 */
export interface MentionOutcome {
  message: string;
  task: TaskView | null;
}

/** The agent verbs (`@Tasklane start 12`): commands/mentions.ts, registered in commands/index.ts. */
export interface MentionVerbs {
  /** Commands that change something: rate limited like slash writes. */
  isWrite(command: MentionCommand): boolean;
  run(
    tasks: TaskService,
    ctx: ActionContext,
    command: Exclude<MentionCommand, { name: "help" }>,
  ): Promise<MentionOutcome>;
}
