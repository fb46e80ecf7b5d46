import type { ChatInputCommandInteraction } from "discord.js";
import { ValidationError } from "../src/domain/errors.ts";
import type { CreateTaskInput } from "../src/services/contracts.ts";

type Options = ChatInputCommandInteraction["options"];

/** The fields shared by `/task create` and `/task edit`, as raw input: the service validates them. */
export function readTaskFields(options: Options): Partial<CreateTaskInput> {
  const fields: Partial<CreateTaskInput> = {};
  const title = options.getString("title");
  const description = options.getString("description");
  const priority = options.getString("priority");
  const labels = options.getString("labels");
  const due = options.getString("due");
  const estimate = options.getString("estimate");
  const parent = options.getInteger("parent");
  const assignee = options.getUser("assignee");
  const dependsOn = options.getString("depends-on");
  const repeat = options.getString("repeat");
  if (title !== null) fields.title = title;
  if (description !== null) fields.description = description;
  if (priority !== null) fields.priority = priority;
  if (labels !== null) fields.labels = labels;
  if (due !== null) fields.due = due;
  if (estimate !== null) fields.estimate = estimate;
  if (parent !== null) fields.parentNumber = parent;
  if (assignee) fields.assigneeId = assignee.id;
  if (dependsOn !== null) fields.dependsOn = parseTaskNumbers(dependsOn, "depends-on");
  if (repeat !== null) fields.repeat = repeat;
  return fields;
}

/** "3, #7 12" -> [3, 7, 12]; anything else is named back to the user. */
export function parseTaskNumbers(text: string, field: string): number[] {
  const parts = text
    .split(/[\s,]+/)
    .map((part) => part.trim())
    .filter(Boolean);
  const numbers: number[] = [];
  for (const part of parts) {
    const match = /^#?([1-9]\d{0,9})$/.exec(part);
    const value = match ? Number(match[1]) : Number.NaN;
    if (!match || value > 2_147_483_647) {
      throw new ValidationError(
        field,
        `${field} must be task numbers separated by commas, like 3, 7 ("${part.slice(0, 20)}" isn't one).`,
      );
    }
    numbers.push(value);
  }
  return [...new Set(numbers)];
}
