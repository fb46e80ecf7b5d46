import { describe, expect, it } from "vitest";
import { readTaskMasterFile } from "../../src/domain/taskmaster/read-taskmaster-file.ts";

const legacy = (tasks: unknown[]) => JSON.stringify({ tasks });
const keysAndDeps = (text: string) =>
  readTaskMasterFile(text).items.map((item) => [item.key, item.parentKey, item.dependsOn]);

describe("reading a Task Master tasks.json", () => {
  it('resolves a subtask\'s bare number to its sibling, else to the task of that id; and "2.1" to that subtask', () => {
    const text = legacy([
      { id: 1, title: "One" },
      {
        id: 2,
        title: "Two",
        dependencies: ["1"],
        subtasks: [
          { id: 1, title: "Two.one", dependencies: [] },
          { id: 2, title: "Two.two", dependencies: [1, 3, "3.1", "2.1"] },
        ],
      },
      { id: 3, title: "Three", dependencies: [1], subtasks: [{ id: 1, title: "Three.one" }] },
    ]);
    expect(keysAndDeps(text)).toEqual([
      ["1", null, []],
      ["2", null, ["1"]],
      ["2.1", "2", []],
      ["2.2", "2", ["2.1", "3", "3.1"]],
      ["3", null, ["1"]],
      ["3.1", "3", []],
    ]);
  });

  it("names the path of a reference that fits neither a sibling nor a task", () => {
    const text = legacy([{ id: 1, title: "One", subtasks: [{ id: 1, title: "x", dependencies: [7] }] }]);
    expect(() => readTaskMasterFile(text)).toThrow(
      "tasks[0].subtasks[0].dependencies[0]: neither subtask 1.7 nor task 7 exists",
    );
  });

  it("refuses a task depending on itself and drops a subtask's dependency on its own parent, with a warning", () => {
    expect(() => readTaskMasterFile(legacy([{ id: 1, title: "One", dependencies: [1] }]))).toThrow(
      "tasks[0].dependencies[0]: task 1 depends on itself",
    );
    const file = readTaskMasterFile(
      legacy([{ id: 4, title: "Four", subtasks: [{ id: 1, title: "x", dependencies: ["4"] }] }]),
    );
    expect(file.items[1]!.dependsOn).toEqual([]);
    expect(file.warnings).toEqual([
      "tasks[0].subtasks[0].dependencies[0]: a subtask depending on its own parent would never start; dropped",
    ]);
  });

  it("reads ids given as text and refuses ids that are not whole numbers", () => {
    expect(readTaskMasterFile(legacy([{ id: "7", title: "Seven" }])).items[0]!.key).toBe("7");
    expect(() => readTaskMasterFile(legacy([{ id: 1.5, title: "x" }]))).toThrow(
      "tasks[0].id: must be a whole number of at least 1 (got 1.5)",
    );
    expect(() => readTaskMasterFile(legacy([{ title: "x" }]))).toThrow(
      "tasks[0].id: must be a whole number of at least 1 (got null)",
    );
  });

  it("lists the tags a tagged file has when the one asked for is missing; a legacy file has none", () => {
    const tagged = JSON.stringify({ master: { tasks: [] }, "feature x": { tasks: [] } });
    expect(() => readTaskMasterFile(tagged, { tag: "dev" })).toThrow(
      'dev: no such tag; the file has "master", "feature x"',
    );
    expect(readTaskMasterFile(tagged, { tag: "feature x" })).toMatchObject({
      tag: "feature x",
      layout: "tagged",
      items: [],
    });
    expect(() => readTaskMasterFile(legacy([]), { tag: "dev" })).toThrow(
      '$: has no tags (the legacy layout), so there is no tag "dev"',
    );
    expect(() => readTaskMasterFile("[]")).toThrow("$: must be a JSON object (a Task Master tasks.json)");
  });

  it("puts details and test strategy under headings, and cuts what Tasklane cannot hold, saying so", () => {
    const file = readTaskMasterFile(
      legacy([
        { id: 1, title: "t".repeat(250), description: "d", details: "x".repeat(5000), testStrategy: "ts" },
      ]),
    );
    const [item] = file.items;
    expect(item!.title).toHaveLength(200);
    expect(item!.title.endsWith("…")).toBe(true);
    expect(item!.description).toHaveLength(4000);
    expect(item!.description.startsWith("d\n\n**Details**\nxxx")).toBe(true);
    expect(file.warnings).toEqual([
      "tasks[0].title: longer than 200 characters; cut",
      "tasks[0]: description, details and test strategy exceed 4000 characters together; cut",
    ]);
  });
});
