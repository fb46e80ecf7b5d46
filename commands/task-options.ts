import {
  type APIApplicationCommandBasicOption,
  ApplicationCommandOptionType,
  InteractionContextType,
} from "discord.js";
import { AUTO_ASSIGN_MODES, PRIORITIES, RECURRENCES } from "../src/domain/task-states.ts";

/** Pieces shared by the command definitions. Option names are public interface: keep them stable. */

export const GUILD_ONLY = { contexts: [InteractionContextType.Guild] };

export const taskNumberOption = (name: "task" | "parent" | "on", description: string, required = true) =>
  ({
    type: ApplicationCommandOptionType.Integer,
    name,
    description,
    required,
    autocomplete: true,
    min_value: 1,
  }) satisfies APIApplicationCommandBasicOption;

export const TASK_OPTION = taskNumberOption("task", "The task: its number (#12) or words of its title");

export const PRIORITY_CHOICES = PRIORITIES.map((priority) => ({ name: priority, value: priority }));

/** "least-loaded" reads better than the stored "least_loaded". */
export const AUTO_ASSIGN_CHOICES = AUTO_ASSIGN_MODES.map((mode) => ({
  name: mode.replaceAll("_", "-"),
  value: mode,
}));

export const textOption = (name: string, description: string, required: boolean, maxLength = 1000) =>
  ({
    type: ApplicationCommandOptionType.String,
    name,
    description,
    required,
    max_length: maxLength,
  }) satisfies APIApplicationCommandBasicOption;

/** Every field of `/task create` (title required there, optional in `/task edit`). */
export const taskFieldOptions = (titleRequired: boolean) =>
  [
    textOption("title", "What needs doing (1–200 characters)", titleRequired, 200),
    textOption("description", "Details, links, acceptance criteria (up to 4000 characters)", false, 4000),
    {
      type: ApplicationCommandOptionType.String,
      name: "priority",
      description: "How urgent it is (default medium)",
      choices: [...PRIORITY_CHOICES],
    },
    { type: ApplicationCommandOptionType.User, name: "assignee", description: "Who does it" },
    textOption("labels", "Comma-separated labels, e.g. backend, bug", false, 400),
    textOption(
      "due",
      "When it is due, in the server's time zone: 2030-03-01 17:00, tomorrow 9:00, friday; or 3d, 2h",
      false,
      100,
    ),
    textOption("estimate", "How long it should take: 90m, 2h, 1d", false, 50),
    taskNumberOption("parent", "Make it a subtask of this task", false),
    textOption(
      "depends-on",
      "Comma-separated numbers of tasks that must be done first, e.g. 3, 7",
      false,
      200,
    ),
    {
      type: ApplicationCommandOptionType.String,
      name: "repeat",
      description: titleRequired
        ? "Make it recurring: the next one is created when it is done"
        : "Make it recurring, or none to end the series",
      choices: titleRequired ? RECURRENCE_CHOICES : [...RECURRENCE_CHOICES, { name: "none", value: "none" }],
    },
  ] satisfies APIApplicationCommandBasicOption[];

export const RECURRENCE_CHOICES = RECURRENCES.map((recurrence) => ({ name: recurrence, value: recurrence }));
