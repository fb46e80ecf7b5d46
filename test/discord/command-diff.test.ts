import { describe, expect, it } from "vitest";
import { commandDefinitions } from "../../commands/index.ts";
import { diffCommands } from "../../src/discord/command-diff.ts";

/** What Discord answers for a registered command: our fields plus its own, defaults left out. */
function asRegistered(definition: object, index: number) {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === "object")
      return Object.fromEntries(
        Object.entries(value)
          .filter(([, v]) => v !== false)
          .map(([k, v]) => [k, strip(v)]),
      );
    return value;
  };
  return {
    id: String(900000000000000000n + BigInt(index)),
    application_id: "900000000000000000",
    version: "1",
    type: 1,
    nsfw: false,
    integration_types: [0],
    description_localizations: null,
    ...(strip(definition) as object),
  } as unknown as { name: string; type?: number } & Record<string, unknown>;
}

describe("commands:deploy diff", () => {
  it("a first deploy adds every command", () => {
    const diff = diffCommands(commandDefinitions, []);
    expect(diff.added).toEqual(["/task", "/tasks", "/tasklane", '"Create task from message" (message menu)']);
    expect(diff.updated).toEqual([]);
  });

  it("deploying what is registered changes nothing, despite Discord's extra fields and omitted defaults", () => {
    const diff = diffCommands(commandDefinitions, commandDefinitions.map(asRegistered));
    expect(diff).toEqual({ added: [], updated: [], removed: [], unchanged: expect.any(Array) });
    expect(diff.unchanged).toHaveLength(4);
  });

  it("reports a changed option as updated and an unknown registered command as removed", () => {
    const registered = commandDefinitions.map(asRegistered);
    const tasks = registered[1] as unknown as { options: { description: string }[] };
    tasks.options[0]!.description = "an older description";
    registered.push({ name: "old-command", type: 1, description: "gone" });
    const diff = diffCommands(commandDefinitions, registered);
    expect(diff.updated).toEqual(["/tasks"]);
    expect(diff.removed).toEqual(["/old-command"]);
  });
});
