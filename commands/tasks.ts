import {
  type APIApplicationCommandBasicOption,
  ApplicationCommandOptionType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import type { ComponentRoutes, SlashCommandModule } from "../src/discord/handler-types.ts";
import { DUE_FILTERS, STATUS_FILTERS } from "../src/domain/task-states.ts";
import { GUILD_ONLY, PRIORITY_CHOICES } from "./task-options.ts";
import * as exportFile from "./tasks/export.ts";
import * as importFile from "./tasks/import.ts";
import * as list from "./tasks/list.ts";
import * as mine from "./tasks/mine.ts";
import * as pageButton from "./tasks/page-button.ts";
import * as queue from "./tasks/queue.ts";
import * as reviews from "./tasks/reviews.ts";
import * as search from "./tasks/search.ts";
import * as stats from "./tasks/stats.ts";

const SCOPE_OPTION: APIApplicationCommandBasicOption = {
  type: ApplicationCommandOptionType.String,
  name: "scope",
  description: "This channel (default) or the whole server",
  choices: [
    { name: "channel", value: "channel" },
    { name: "server", value: "server" },
  ],
};

export const tasksCommandDefinition = {
  name: "tasks",
  description: "Lists, queue, search, stats, import and export",
  ...GUILD_ONLY,
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "list",
      description: "Tasks matching filters",
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: "status",
          description: "Which tasks (default live: not done, cancelled or failed)",
          choices: STATUS_FILTERS.map((status) => ({ name: status, value: status })),
        },
        { type: ApplicationCommandOptionType.User, name: "assignee", description: "Assigned to this person" },
        {
          type: ApplicationCommandOptionType.String,
          name: "priority",
          description: "Of this priority",
          choices: [...PRIORITY_CHOICES],
        },
        {
          type: ApplicationCommandOptionType.String,
          name: "label",
          description: "Carrying this label",
          max_length: 32,
        },
        SCOPE_OPTION,
        {
          type: ApplicationCommandOptionType.String,
          name: "due",
          description: "Live tasks overdue, due today or due within a week (server time zone)",
          choices: DUE_FILTERS.map((due) => ({ name: due, value: due })),
        },
        {
          type: ApplicationCommandOptionType.String,
          name: "sort",
          description: "newest first (default), or due: soonest due first (tasks with a due date)",
          choices: [
            { name: "newest", value: "number" },
            { name: "due", value: "due" },
          ],
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "queue",
      description: "This channel's queue, next first, with count / limit",
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "mine",
      description: "Your live tasks in this server",
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "search",
      description: "Full-text search in titles, descriptions and labels",
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: "query",
          description: "Words to look for",
          required: true,
          max_length: 200,
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "reviews",
      description: "Tasks in review that you may approve or send back, oldest first",
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "stats",
      description: "Counts by status, priority, label and assignee",
      options: [SCOPE_OPTION],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "import",
      description: "Import a Task Master tasks.json into this channel (Manage Channels)",
      options: [
        {
          type: ApplicationCommandOptionType.Attachment,
          name: "file",
          description: "Task Master's tasks.json (at most 2 MB)",
          required: true,
        },
        {
          type: ApplicationCommandOptionType.Boolean,
          name: "dry-run",
          description: "Only say what would be created and updated",
        },
        {
          type: ApplicationCommandOptionType.String,
          name: "tag",
          description: "The Task Master tag to import (default master)",
          max_length: 100,
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "export",
      description: "The tasks you can see, as a CSV or JSON file only you get",
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: "format",
          description: "CSV (a spreadsheet) or JSON (with each task's history)",
          required: true,
          choices: [
            { name: "csv", value: "csv" },
            { name: "json", value: "json" },
          ],
        },
        {
          type: ApplicationCommandOptionType.String,
          name: "status",
          description: "Which tasks (default all)",
          choices: STATUS_FILTERS.map((status) => ({ name: status, value: status })),
        },
        SCOPE_OPTION,
      ],
    },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const tasksCommand = {
  kind: "slash",
  definition: tasksCommandDefinition,
  subcommands: {
    list: { write: false, defer: true, run: list.run },
    queue: { write: false, defer: true, run: queue.run },
    mine: { write: false, defer: true, run: mine.run },
    search: { write: false, defer: true, run: search.run },
    stats: { write: false, defer: true, run: stats.run },
    reviews: { write: false, defer: true, run: reviews.run },
    import: { write: true, defer: true, run: importFile.run },
    export: { write: false, defer: true, run: exportFile.run },
  },
} as const satisfies SlashCommandModule;

/** Previous/Next on every list (including /task history) belong to /tasks. */
export const tasksComponents = {
  page: { write: false, run: pageButton.run },
} as const satisfies Partial<ComponentRoutes>;
