import { ValidationError } from "../errors.ts";
import type { Priority, TaskStatus } from "../task-states.ts";
import { composeDescription, composeTitle, mapPriority, mapStatus } from "./map-fields.ts";

/** One Task Master task or subtask, ready to become a Tasklane task. */
export interface TaskMasterItem {
  /** Task Master's id: "2" for a task, "2.1" for its first subtask. Kept as metadata.source.taskmaster. */
  key: string;
  /** Where it is in the file, for messages: `master.tasks[1].subtasks[0]`. */
  path: string;
  parentKey: string | null;
  title: string;
  description: string;
  priority: Priority;
  /** Task Master's status, mapped; a pending task with undone dependencies still becomes blocked later. */
  status: TaskStatus;
  blockReason?: string;
  /** Keys of the tasks it depends on, deduplicated, in file order. */
  dependsOn: string[];
}

export interface TaskMasterFile {
  /** The tag read ("master" for the legacy layout, which has none). */
  tag: string;
  layout: "tagged" | "legacy";
  /** Parents before their subtasks, in file order. */
  items: TaskMasterItem[];
  warnings: string[];
}

/** A tasks.json that cannot be imported: the message starts with the JSON path of what is wrong. */
export class TaskMasterFileError extends ValidationError {
  override name = "TaskMasterFileError";
  constructor(
    readonly path: string,
    why: string,
  ) {
    super(path, `${path}: ${why}`);
  }
}

/** An import of more than this many tasks and subtasks is refused (one transaction holds them all). */
export const MAX_IMPORT_ITEMS = 2000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Reads both Task Master layouts: tagged (`{"master": {"tasks": [...]}}`, `tag` picks one, default
 * master) and legacy (`{"tasks": [...]}`). Checks everything an import needs — ids, titles, references,
 * cycles — and throws TaskMasterFileError for the first problem, so nothing is written for a bad file.
 */
export function readTaskMasterFile(text: string, options: { tag?: string } = {}): TaskMasterFile {
  const root = parseJson(text);
  if (!isObject(root)) throw new TaskMasterFileError("$", "must be a JSON object (a Task Master tasks.json)");
  const { tasks, prefix, tag, layout } = pickTag(root, options.tag);
  const warnings: string[] = [];
  const items = readTasks(tasks, prefix, warnings);
  if (items.length > MAX_IMPORT_ITEMS) {
    throw new TaskMasterFileError(
      `${prefix}tasks`,
      `holds ${items.length} tasks and subtasks; one import takes at most ${MAX_IMPORT_ITEMS}`,
    );
  }
  resolveDependencies(items, warnings);
  checkCycles(items);
  return { tag, layout, items: items.map(({ raw: _raw, ...item }) => item), warnings };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message)?.[1];
    if (position === undefined) throw new TaskMasterFileError("$", `is not valid JSON (${message})`);
    const before = text.slice(0, Number(position)).split("\n");
    throw new TaskMasterFileError(
      "$",
      `is not valid JSON at line ${before.length}, column ${before.at(-1)!.length + 1}`,
    );
  }
}

function pickTag(
  root: JsonObject,
  wanted: string | undefined,
): { tasks: Json[]; prefix: string; tag: string; layout: TaskMasterFile["layout"] } {
  if (Array.isArray(root.tasks)) {
    if (wanted !== undefined && wanted !== "master") {
      throw new TaskMasterFileError("$", `has no tags (the legacy layout), so there is no tag "${wanted}"`);
    }
    return { tasks: root.tasks, prefix: "", tag: "master", layout: "legacy" };
  }
  if (root.tasks !== undefined) throw new TaskMasterFileError("tasks", "must be a list of tasks");
  const tag = wanted ?? "master";
  const tags = Object.keys(root).filter((key) => isObject(root[key]) && "tasks" in (root[key] as JsonObject));
  const tagged = root[tag];
  if (!isObject(tagged)) {
    const have = tags.length > 0 ? `; the file has ${tags.map((t) => `"${t}"`).join(", ")}` : "";
    throw new TaskMasterFileError(tag, `no such tag${have}`);
  }
  if (!Array.isArray(tagged.tasks)) throw new TaskMasterFileError(`${tag}.tasks`, "must be a list of tasks");
  return { tasks: tagged.tasks, prefix: `${pathKey(tag)}.`, tag, layout: "tagged" };
}

/** A tag that is not a plain identifier is quoted in paths: `["my tag"].tasks[0]`. */
function pathKey(key: string): string {
  return /^[A-Za-z_][\w-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
}

interface ReadItem extends TaskMasterItem {
  raw: JsonObject;
}

function readTasks(tasks: Json[], prefix: string, warnings: string[]): ReadItem[] {
  const items: ReadItem[] = [];
  const seen = new Map<string, string>();
  tasks.forEach((task, index) => {
    const path = `${prefix}tasks[${index}]`;
    const item = readItem(task, path, null, warnings);
    claimKey(seen, item, "task");
    items.push(item);
    const subtasks = (task as JsonObject).subtasks;
    if (subtasks === undefined || subtasks === null) return;
    if (!Array.isArray(subtasks)) throw new TaskMasterFileError(`${path}.subtasks`, "must be a list");
    subtasks.forEach((subtask, subIndex) => {
      const subPath = `${path}.subtasks[${subIndex}]`;
      const sub = readItem(subtask, subPath, item.key, warnings);
      claimKey(seen, sub, "subtask");
      if (
        Array.isArray((subtask as JsonObject).subtasks) &&
        ((subtask as JsonObject).subtasks as Json[]).length
      )
        warnings.push(`${subPath}.subtasks: Task Master nests one level; these were not imported`);
      items.push(sub);
    });
  });
  return items;
}

function claimKey(seen: Map<string, string>, item: ReadItem, what: string): void {
  const earlier = seen.get(item.key);
  if (earlier)
    throw new TaskMasterFileError(`${item.path}.id`, `${what} ${item.key} appears twice (also ${earlier})`);
  seen.set(item.key, item.path);
}

function readItem(value: Json, path: string, parentKey: string | null, warnings: string[]): ReadItem {
  if (!isObject(value)) throw new TaskMasterFileError(path, "must be an object");
  const id = readId(value.id, `${path}.id`);
  const key = parentKey === null ? String(id) : `${parentKey}.${id}`;
  const rawTitle = value.title;
  if (typeof rawTitle !== "string" || rawTitle.trim() === "")
    throw new TaskMasterFileError(`${path}.title`, "must be non-empty text");
  const title = composeTitle(rawTitle);
  if (title.cut) warnings.push(`${path}.title: longer than 200 characters; cut`);
  const description = composeDescription({
    description: optionalText(value.description, `${path}.description`),
    details: optionalText(value.details, `${path}.details`),
    testStrategy: optionalText(value.testStrategy, `${path}.testStrategy`),
  });
  if (description.cut)
    warnings.push(`${path}: description, details and test strategy exceed 4000 characters together; cut`);
  const status = mapStatus(optionalText(value.status, `${path}.status`));
  if (status.warning) warnings.push(`${path}.status: ${status.warning}`);
  const priority = mapPriority(optionalText(value.priority, `${path}.priority`));
  if (priority.warning) warnings.push(`${path}.priority: ${priority.warning}`);
  const dependencies = value.dependencies ?? [];
  if (!Array.isArray(dependencies)) throw new TaskMasterFileError(`${path}.dependencies`, "must be a list");
  return {
    key,
    path,
    parentKey,
    title: title.text,
    description: description.text,
    priority: priority.priority,
    status: status.status,
    ...(status.blockReason ? { blockReason: status.blockReason } : {}),
    dependsOn: [],
    raw: value,
  };
}

function readId(value: Json | undefined, path: string): number {
  const id = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 1)
    throw new TaskMasterFileError(
      path,
      `must be a whole number of at least 1 (got ${JSON.stringify(value ?? null)})`,
    );
  return id;
}

function optionalText(value: Json | undefined, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value !== "string") throw new TaskMasterFileError(path, "must be text");
  return value;
}

/**
 * A task's dependencies are task ids (`3`, `"3"`) or subtask ids (`"2.1"`). A subtask's bare number
 * means a sibling (`1` in task 2's subtasks is `2.1`), or else a task of that id.
 */
function resolveDependencies(items: ReadItem[], warnings: string[]): void {
  const keys = new Set(items.map((item) => item.key));
  for (const item of items) {
    const found = new Set<string>();
    (item.raw.dependencies as Json[] | undefined)?.forEach((dependency, index) => {
      const path = `${item.path}.dependencies[${index}]`;
      const key = dependencyKey(dependency, item, keys, path);
      if (key === item.key) throw new TaskMasterFileError(path, `${describe(key)} depends on itself`);
      if (key === item.parentKey) {
        warnings.push(`${path}: a subtask depending on its own parent would never start; dropped`);
        return;
      }
      found.add(key);
    });
    item.dependsOn = [...found];
  }
}

function dependencyKey(value: Json, item: ReadItem, keys: Set<string>, path: string): string {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : null;
  if (text === null || !/^\d+(\.\d+)?$/.test(text))
    throw new TaskMasterFileError(
      path,
      `must be a task id like 3 or a subtask id like "2.1" (got ${JSON.stringify(value)})`,
    );
  const normalised = text
    .split(".")
    .map((part) => String(Number(part)))
    .join(".");
  if (normalised.includes(".")) {
    if (!keys.has(normalised)) throw new TaskMasterFileError(path, `subtask ${normalised} does not exist`);
    return normalised;
  }
  if (item.parentKey !== null) {
    const sibling = `${item.parentKey}.${normalised}`;
    if (keys.has(sibling)) return sibling;
    if (keys.has(normalised)) return normalised;
    throw new TaskMasterFileError(path, `neither subtask ${sibling} nor task ${normalised} exists`);
  }
  if (!keys.has(normalised)) throw new TaskMasterFileError(path, `task ${normalised} does not exist`);
  return normalised;
}

const describe = (key: string) => (key.includes(".") ? `subtask ${key}` : `task ${key}`);

/** A dependency cycle would leave every task on it blocked for ever: refuse the file, naming the loop. */
function checkCycles(items: ReadItem[]): void {
  const byKey = new Map(items.map((item) => [item.key, item]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (key: string): void => {
    state.set(key, "visiting");
    stack.push(key);
    const item = byKey.get(key)!;
    item.dependsOn.forEach((next) => {
      if (state.get(next) === "visiting") {
        const loop = [...stack.slice(stack.indexOf(next)), next].join(" → ");
        const index = (item.raw.dependencies as Json[]).findIndex(
          (dependency) => dependencyKey(dependency, item, new Set(byKey.keys()), "") === next,
        );
        throw new TaskMasterFileError(
          `${item.path}.dependencies[${index}]`,
          `closes a dependency cycle ${loop}`,
        );
      }
      if (!state.has(next)) visit(next);
    });
    stack.pop();
    state.set(key, "done");
  };
  for (const item of items) if (!state.has(item.key)) visit(item.key);
}
