import { describe, expect, it } from "vitest";
import { commandDefinitions, commands, componentRoutes } from "../../commands/index.ts";

type Option = {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  options?: Option[];
  choices?: { name: string; value: unknown }[];
};

const slash = (name: string) =>
  commandDefinitions.find((command) => command.name === name) as unknown as { options: Option[] };
const sub = (command: string, name: string, group?: string) => {
  const root = slash(command).options;
  const parent = group ? root.find((option) => option.name === group)!.options! : root;
  return parent.find((option) => option.name === name)!;
};
const optionNames = (command: string, name: string, group?: string) =>
  (sub(command, name, group).options ?? []).map((o) => o.name);

describe("command definitions (public interface: names exactly as the issue says)", () => {
  it("deploys /task, /tasks, /tasklane and the message menu, and routes exactly those", () => {
    expect(commandDefinitions.map((command) => command.name)).toEqual([
      "task",
      "tasks",
      "tasklane",
      "Create task from message",
    ]);
    for (const [index, definition] of commandDefinitions.entries())
      expect(definition).toBe(commands[index]!.definition);
    expect(Object.keys(componentRoutes).sort()).toEqual(["card", "card_form", "create_modal", "page"]);
  });

  it("/task has every subcommand, each with a handler", () => {
    const names = slash("task").options.map((option) => option.name);
    expect(names).toEqual([
      "create",
      "view",
      "edit",
      "assign",
      "claim",
      "start",
      "submit",
      "approve",
      "rework",
      "block",
      "unblock",
      "cancel",
      "reopen",
      "depend",
      "undepend",
      "comment",
      "history",
      "attempts",
      "answer",
    ]);
    const task = commands.find((command) => command.definition.name === "task");
    expect(task?.kind === "slash" && Object.keys(task.subcommands)).toEqual(names);
  });

  it("/task create takes the issue's options", () => {
    expect(optionNames("task", "create")).toEqual([
      "title",
      "description",
      "priority",
      "assignee",
      "labels",
      "due",
      "estimate",
      "parent",
      "depends-on",
      "repeat",
    ]);
    expect(
      sub("task", "create")
        .options!.find((o) => o.name === "repeat")!
        .choices!.map((c) => c.value),
    ).toEqual(["daily", "weekdays", "weekly", "monthly"]);
    expect(
      sub("task", "edit")
        .options!.find((o) => o.name === "repeat")!
        .choices!.map((c) => c.value),
    ).toEqual(["daily", "weekdays", "weekly", "monthly", "none"]);
    expect(optionNames("task", "cancel")).toEqual(["task", "reason", "skip-this-one"]);
    expect(
      sub("task", "create")
        .options!.find((o) => o.name === "priority")!
        .choices!.map((c) => c.value),
    ).toEqual(["low", "medium", "high", "critical"]);
    expect(optionNames("task", "edit")).toEqual(["task", ...optionNames("task", "create")]);
  });

  it("task, parent and on are integers with autocomplete", () => {
    for (const subcommand of slash("task").options) {
      for (const option of subcommand.options ?? []) {
        if (["task", "parent", "on"].includes(option.name)) {
          expect(option.type, `${subcommand.name} ${option.name}`).toBe(4);
          expect(option.autocomplete, `${subcommand.name} ${option.name}`).toBe(true);
        }
      }
    }
  });

  it("reasons are required for rework and block; claim's task is optional", () => {
    expect(sub("task", "rework").options!.find((o) => o.name === "reason")!.required).toBe(true);
    expect(sub("task", "block").options!.find((o) => o.name === "reason")!.required).toBe(true);
    expect(sub("task", "claim").options![0]!.required).toBe(false);
  });

  it("/tasks and /tasklane have the issue's subcommands and options", () => {
    expect(slash("tasks").options.map((option) => option.name)).toEqual([
      "list",
      "queue",
      "mine",
      "search",
      "reviews",
      "stats",
      "import",
      "export",
    ]);
    expect(optionNames("tasks", "import")).toEqual(["file", "dry-run", "tag"]);
    expect(sub("tasks", "import").options![0]).toMatchObject({ type: 11, required: true });
    expect(optionNames("tasks", "export")).toEqual(["format", "status", "scope"]);
    expect(optionNames("tasks", "list")).toEqual([
      "status",
      "assignee",
      "priority",
      "label",
      "scope",
      "due",
      "sort",
    ]);
    expect(sub("tasks", "list").options![0]!.choices!.map((c) => c.value)).toEqual([
      "live",
      "open",
      "in_progress",
      "in_review",
      "blocked",
      "done",
      "cancelled",
      "failed",
      "all",
    ]);
    expect(optionNames("tasklane", "config")).toEqual(
      expect.arrayContaining([
        "queue-limit",
        "reviewer-role",
        "require-review",
        "allow-self-review",
        "max-attempts",
        "lease-minutes",
        "notify-reviewers",
        "notify-creator",
        "remind-before",
        "remind-overdue",
        "timezone",
        "threads",
      ]),
    );
    expect(
      sub("tasklane", "config")
        .options!.find((o) => o.name === "remind-overdue")!
        .choices!.map((c) => c.value),
    ).toEqual(["on", "off"]);
    expect(optionNames("tasklane", "add", "agent")).toEqual(["user", "labels", "max-concurrent"]);
    expect(optionNames("tasklane", "remove", "agent")).toEqual(["user"]);
    expect(optionNames("tasklane", "list", "agent")).toEqual([]);
  });

  it("obeys Discord's rules for definitions", () => {
    const check = (option: Option, path: string) => {
      expect(option.name, path).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
      expect(option.description.length, path).toBeGreaterThan(0);
      expect(option.description.length, path).toBeLessThanOrEqual(100);
      const children = option.options ?? [];
      expect(children.length, path).toBeLessThanOrEqual(25);
      const firstOptional = children.findIndex((child) => !child.required);
      if (firstOptional >= 0)
        expect(
          children.slice(firstOptional).every((c) => !c.required),
          `${path}: required first`,
        ).toBe(true);
      for (const child of children) check(child, `${path} ${child.name}`);
    };
    for (const definition of commandDefinitions) {
      if ("description" in definition) check(definition as unknown as Option, definition.name);
      else expect(definition.name.length).toBeLessThanOrEqual(32);
      expect(definition.contexts).toEqual([0]);
    }
    expect((slash("tasklane") as { default_member_permissions?: string }).default_member_permissions).toBe(
      "16",
    );
  });
});
