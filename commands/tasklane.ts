import {
  type APIApplicationCommandBasicOption,
  ApplicationCommandOptionType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import type { SlashCommandModule } from "../src/discord/handler-types.ts";
import { AUTO_ASSIGN_CHOICES, GUILD_ONLY } from "./task-options.ts";
import * as agentAdd from "./tasklane/agent-add.ts";
import * as agentList from "./tasklane/agent-list.ts";
import { runPause } from "./tasklane/agent-pause.ts";
import * as agentRemove from "./tasklane/agent-remove.ts";
import * as config from "./tasklane/config.ts";

const NOTIFY_CHOICES = [
  { name: "ping", value: "ping" },
  { name: "mention (no ping)", value: "mention" },
  { name: "off", value: "off" },
];

/** Reminders (this channel) and the server's time zone (Manage Server). */
const DUE_DATE_OPTIONS: APIApplicationCommandBasicOption[] = [
  {
    type: ApplicationCommandOptionType.String,
    name: "remind-before",
    description: "Remind before due dates: durations like 1d,1h (each at least 1m; default 1d), or off",
    max_length: 100,
  },
  {
    type: ApplicationCommandOptionType.String,
    name: "remind-overdue",
    description: "Remind at the due time, then daily up to 3 times (default on)",
    choices: [
      { name: "on", value: "on" },
      { name: "off", value: "off" },
    ],
  },
  {
    type: ApplicationCommandOptionType.String,
    name: "timezone",
    description: "The server's time zone for typed dates, e.g. Europe/Berlin (default UTC; Manage Server)",
    max_length: 64,
  },
];

export const tasklaneCommandDefinition = {
  name: "tasklane",
  description: "Channel settings and agents (Manage Channels)",
  ...GUILD_ONLY,
  // Hidden from members without Manage Channels (server admins can change who sees it). The services
  // decide on every call: Manage Channels in this channel for config, Manage Server for agents.
  default_member_permissions: String(PermissionFlagsBits.ManageChannels),
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "config",
      description: "This channel's settings; with no option, shows them",
      options: [
        {
          type: ApplicationCommandOptionType.Integer,
          name: "queue-limit",
          description: "Most live tasks this channel may hold (0 = no limit)",
          min_value: 0,
          max_value: 10_000,
        },
        {
          type: ApplicationCommandOptionType.Role,
          name: "reviewer-role",
          description: "Who may approve or request rework",
        },
        {
          type: ApplicationCommandOptionType.Boolean,
          name: "require-review",
          description: "Submitted work waits for a reviewer (default yes)",
        },
        {
          type: ApplicationCommandOptionType.Boolean,
          name: "allow-self-review",
          description: "A reviewer may approve their own task (default no)",
        },
        {
          type: ApplicationCommandOptionType.Integer,
          name: "max-attempts",
          description: "Agent attempts before a task fails (1–20, default 3)",
          min_value: 1,
          max_value: 20,
        },
        {
          type: ApplicationCommandOptionType.Integer,
          name: "lease-minutes",
          description: "How long an agent holds a started task without progress (1–10080, default 30)",
          min_value: 1,
          max_value: 10_080,
        },
        {
          type: ApplicationCommandOptionType.String,
          name: "auto-assign",
          description: "Hand new tasks to the least-loaded agent that fits",
          choices: AUTO_ASSIGN_CHOICES,
        },
        {
          type: ApplicationCommandOptionType.String,
          name: "notify-reviewers",
          description: "When a task awaits review: ping the reviewer role, name it (default), or off",
          choices: NOTIFY_CHOICES,
        },
        {
          type: ApplicationCommandOptionType.String,
          name: "notify-creator",
          description: "When a task is done or failed: ping its creator, name them (default), or off",
          choices: NOTIFY_CHOICES,
        },
        {
          type: ApplicationCommandOptionType.Boolean,
          name: "threads",
          description: "Open a thread on each new task's card for its conversation (default no)",
        },
        ...DUE_DATE_OPTIONS,
      ],
    },
    {
      type: ApplicationCommandOptionType.SubcommandGroup,
      name: "agent",
      description: "Bot agents that take tasks from this server's channels",
      options: [
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: "add",
          description: "Register (or update) an agent",
          options: [
            {
              type: ApplicationCommandOptionType.User,
              name: "user",
              description: "The agent's account",
              required: true,
            },
            {
              type: ApplicationCommandOptionType.String,
              name: "labels",
              description: "Comma-separated labels it handles (empty: any task)",
              max_length: 400,
            },
            {
              type: ApplicationCommandOptionType.Integer,
              name: "max-concurrent",
              description: "Most tasks it works on at once (1–100, default 1)",
              min_value: 1,
              max_value: 100,
            },
          ],
        },
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: "remove",
          description: "Unregister an agent",
          options: [
            {
              type: ApplicationCommandOptionType.User,
              name: "user",
              description: "The agent's account",
              required: true,
            },
          ],
        },
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: "list",
          description: "Registered agents and their load",
        },
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: "pause",
          description: "Halt an agent: hold its deliveries and refuse its commands",
          options: [
            {
              type: ApplicationCommandOptionType.User,
              name: "user",
              description: "The agent's account",
              required: true,
            },
          ],
        },
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: "resume",
          description: "Let a paused agent work again",
          options: [
            {
              type: ApplicationCommandOptionType.User,
              name: "user",
              description: "The agent's account",
              required: true,
            },
          ],
        },
      ],
    },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const tasklaneCommand = {
  kind: "slash",
  definition: tasklaneCommandDefinition,
  subcommands: {
    config: { write: true, run: config.run },
    "agent add": { write: true, run: agentAdd.run },
    "agent remove": { write: true, run: agentRemove.run },
    "agent list": { write: false, run: agentList.run },
    "agent pause": { write: true, run: runPause(true) },
    "agent resume": { write: true, run: runPause(false) },
  },
} as const satisfies SlashCommandModule;
