import {
  ApplicationCommandOptionType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import type { ComponentRoutes, SlashCommandModule } from "../src/discord/handler-types.ts";
import * as answer from "./task/answer.ts";
import * as attempts from "./task/attempts.ts";
import * as autocomplete from "./task/autocomplete.ts";
import * as cardButton from "./task/card-button.ts";
import * as cardForm from "./task/card-form.ts";
import * as claim from "./task/claim.ts";
import * as comment from "./task/comment.ts";
import * as create from "./task/create.ts";
import * as depend from "./task/depend.ts";
import * as edit from "./task/edit.ts";
import * as history from "./task/history.ts";
import { runTransition } from "./task/transition.ts";
import * as undepend from "./task/undepend.ts";
import * as view from "./task/view.ts";
import { GUILD_ONLY, TASK_OPTION, taskFieldOptions, taskNumberOption, textOption } from "./task-options.ts";

export const taskCommandDefinition = {
  name: "task",
  description: "Create and work on one task",
  ...GUILD_ONLY,
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "create",
      description: "Create a task in this channel",
      options: taskFieldOptions(true),
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "view",
      description: "Show a task",
      options: [TASK_OPTION],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "edit",
      description: "Change a task's fields",
      options: [TASK_OPTION, ...taskFieldOptions(false)],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "assign",
      description: "Give a task to someone",
      options: [
        TASK_OPTION,
        {
          type: ApplicationCommandOptionType.User,
          name: "assignee",
          description: "Who does it",
          required: true,
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "claim",
      description: "Take a task yourself; without a task, the next one in this channel's queue",
      options: [
        taskNumberOption("task", "The task; leave empty for the next one in this channel's queue", false),
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "start",
      description: "Start working on your task",
      options: [TASK_OPTION],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "submit",
      description: "Hand your work in for review",
      options: [
        TASK_OPTION,
        textOption("note", "What you did, where to look (up to 4000 characters)", false, 4000),
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "approve",
      description: "Approve a task in review (reviewers)",
      options: [TASK_OPTION, textOption("comment", "A word for the assignee", false)],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "rework",
      description: "Send a task in review back for changes (reviewers)",
      options: [TASK_OPTION, textOption("reason", "What needs to change", true)],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "block",
      description: "Mark a task as blocked",
      options: [TASK_OPTION, textOption("reason", "What it is waiting for", true)],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "unblock",
      description: "Mark a blocked task as open again",
      options: [TASK_OPTION],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "cancel",
      description: "Cancel a task (a recurring one: its series ends, unless skip-this-one)",
      options: [
        TASK_OPTION,
        textOption("reason", "Why it is no longer needed", false),
        {
          type: ApplicationCommandOptionType.Boolean,
          name: "skip-this-one",
          description: "Recurring task: cancel only this occurrence; the next one is created",
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "reopen",
      description: "Reopen a done, cancelled or failed task",
      options: [TASK_OPTION],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "depend",
      description: "Make a task wait for another one",
      options: [TASK_OPTION, taskNumberOption("on", "The task that must be done first")],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "undepend",
      description: "Remove a dependency",
      options: [TASK_OPTION, taskNumberOption("on", "The task it no longer waits for")],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "comment",
      description: "Add a comment to a task's history",
      options: [TASK_OPTION, textOption("text", "Your comment", true)],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "history",
      description: "Every change to a task",
      options: [TASK_OPTION],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "attempts",
      description: "Every attempt at a task: who, how it ended, the summary and evidence",
      options: [TASK_OPTION],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "answer",
      description: "Answer the assignee's question (creator, reviewers)",
      options: [TASK_OPTION, textOption("text", "Your answer", true)],
    },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const taskCommand = {
  kind: "slash",
  definition: taskCommandDefinition,
  subcommands: {
    create: { write: true, run: create.run },
    view: { write: false, run: view.run },
    edit: { write: true, run: edit.run },
    assign: { write: true, run: runTransition("assign") },
    claim: { write: true, run: claim.run },
    start: { write: true, run: runTransition("start") },
    submit: { write: true, run: runTransition("submit", "note") },
    approve: { write: true, run: runTransition("approve", "comment") },
    rework: { write: true, run: runTransition("request_rework", "reason") },
    block: { write: true, run: runTransition("block", "reason") },
    unblock: { write: true, run: runTransition("unblock") },
    cancel: { write: true, run: runTransition("cancel", "reason") },
    reopen: { write: true, run: runTransition("reopen") },
    depend: { write: true, run: depend.run },
    undepend: { write: true, run: undepend.run },
    comment: { write: true, run: comment.run },
    history: { write: false, defer: true, run: history.run },
    attempts: { write: false, defer: true, run: attempts.run },
    answer: { write: true, run: answer.run },
  },
  autocomplete: autocomplete.run,
} as const satisfies SlashCommandModule;

/** The card's buttons and the forms they open (rework reason, submission note, answer) belong to /task. */
export const taskComponents = {
  card: { write: true, run: cardButton.run },
  card_form: { write: true, run: cardForm.run },
} as const satisfies Partial<ComponentRoutes>;
