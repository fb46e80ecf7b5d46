import { REST } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { knownNames } from "../../scripts/sandbox/actions/run-slash.ts";
import { type ParseResult, parseSlashCommand } from "../../scripts/sandbox/parse-options.ts";
import { SANDBOX_WORLD } from "../../scripts/sandbox/world.ts";
import { deployCommands } from "../../src/deploy-commands.ts";
import { DiscordStandIn } from "../stand-in/index.ts";

/** Options are read against what was deployed to the stand-in, as Discord's client reads them. */
describe("sandbox slash command options", () => {
  let standIn: DiscordStandIn;
  const parse = (text: string): ParseResult =>
    parseSlashCommand(text, standIn.commandsIn(), knownNames(standIn));
  const errorOf = (text: string): string => {
    const result = parse(text);
    if (result.ok) throw new Error(`expected "${text}" to be refused, got ${JSON.stringify(result.command)}`);
    return result.error;
  };

  beforeAll(async () => {
    standIn = await DiscordStandIn.start(SANDBOX_WORLD);
    const rest = new REST({ api: standIn.apiUrl }).setToken("test-token");
    await deployCommands({ rest, applicationId: standIn.applicationId, guildId: standIn.guild().id });
  });
  afterAll(() => standIn.stop());

  it("reads a subcommand and its options, quoted or running on to the next name", () => {
    const result = parse('task create title:"Fix login" priority:high labels:auth, web');
    expect(result).toEqual({
      ok: true,
      command: {
        name: "task",
        subcommand: "create",
        label: "/task create",
        options: { title: "Fix login", priority: "high", labels: "auth, web" },
        lookups: [],
      },
    });
    const unquoted = parse("task create title:Fix the login page priority:low");
    expect(unquoted.ok && unquoted.command.options).toEqual({ title: "Fix the login page", priority: "low" });
  });

  it("refuses an option name the command does not have, suggesting the close one", () => {
    expect(errorOf('task create titel:"Fix login"')).toBe(
      '/task create has no option "titel". Did you mean title? Options: title*, description, priority, assignee, labels, due, estimate, parent, depends-on, repeat',
    );
  });

  it("refuses a command without its required options", () => {
    expect(errorOf("task create priority:high")).toBe(
      `/task create: "title" is required. Discord won't send the command without it.`,
    );
    expect(errorOf("task rework task:3")).toContain('"reason" is required');
  });

  it("accepts only the offered choices, by value or by the name Discord shows", () => {
    expect(errorOf("task create title:x priority:urgent")).toBe(
      '/task create: priority must be one of: low, medium, high, critical (got "urgent")',
    );
    const byName = parse("tasklane config auto-assign:least-loaded");
    expect(byName.ok && byName.command.options).toEqual({ "auto-assign": "least_loaded" });
    const caseless = parse("task create title:x priority:HIGH");
    expect(caseless.ok && caseless.command.options.priority).toBe("high");
  });

  it("checks numbers: whole, in range; a task number may be written #3", () => {
    const view = parse("task view task:#3");
    expect(view.ok && view.command.options).toEqual({ task: 3 });
    expect(errorOf("tasklane config queue-limit:lots")).toBe(
      '/tasklane config: queue-limit must be a whole number (got "lots")',
    );
    expect(errorOf("tasklane config queue-limit:-1")).toContain("queue-limit must be at least 0");
    expect(errorOf("tasklane config max-attempts:21")).toContain("max-attempts must be at most 20");
  });

  it("leaves words typed into a task option to the bot's autocomplete, as Discord's client does", () => {
    const result = parse('task view task:"login bug"');
    expect(result.ok && result.command.lookups).toEqual([{ option: "task", typed: "login bug" }]);
    expect(result.ok && result.command.options).toEqual({});
  });

  it("reads users, roles and booleans as a person types them", () => {
    const assign = parse("task assign task:1 assignee:@alice");
    expect(assign.ok && assign.command.options).toEqual({ task: 1, assignee: "alice" });
    const config = parse("tasklane config reviewer-role:@Reviewer require-review:no");
    expect(config.ok && config.command.options).toEqual({
      "reviewer-role": "Reviewer",
      "require-review": false,
    });
    expect(errorOf("task assign task:1 assignee:@zed")).toBe(
      '/task assign: assignee must be a member of this server (got "@zed")',
    );
    expect(errorOf("tasklane config require-review:maybe")).toContain("require-review must be true or false");
  });

  it("reads subcommand groups", () => {
    const result = parse("tasklane agent add user:@robo labels:ops max-concurrent:2");
    expect(result.ok && result.command).toMatchObject({
      name: "tasklane",
      group: "agent",
      subcommand: "add",
      options: { user: "robo", labels: "ops", "max-concurrent": 2 },
    });
  });

  it("refuses unknown commands and subcommands, and says which exist", () => {
    expect(errorOf("tsk create title:x")).toBe(
      "No command /tsk here. Did you mean /task? Commands: /task, /tasks, /tasklane",
    );
    expect(errorOf("task")).toMatch(/^\/task needs a subcommand: create, view, edit, /);
    expect(errorOf("task crate title:x")).toMatch(
      /^\/task has no subcommand "crate"\. Did you mean create\?/,
    );
    expect(errorOf("task create Fix login")).toBe(
      '/task create: "Fix" is not an option; write options as name:value, e.g. title:"Fix login"',
    );
  });

  it("enforces the deployed length limits before sending", () => {
    expect(errorOf(`task create title:${"x".repeat(201)}`)).toContain(
      "title takes at most 200 characters (this is 201)",
    );
  });

  it("attaches a local file to an attachment option, and names a path that is not there", () => {
    const result = parse("tasks import file:test/transfers/fixtures/tasks-legacy.json dry-run:true");
    expect(result.ok && result.command.options).toEqual({
      file: { filename: "tasks-legacy.json", content: expect.any(Buffer) },
      "dry-run": true,
    });
    expect(errorOf("tasks import file:no/such/file.json")).toBe(
      '/tasks import: file must be the path of a file to attach (got "no/such/file.json")',
    );
  });
});
