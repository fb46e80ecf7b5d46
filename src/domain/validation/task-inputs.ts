import { z } from "zod";
import type { ChannelRights } from "../roles.ts";
import { EVENT_SOURCES } from "../task-states.ts";
import { TRANSITION_ACTIONS } from "../transitions.ts";
import { MAX_SUMMARY } from "./evidence.ts";
import * as field from "./fields.ts";

const SERVER_PERMISSIONS = ["administrator", "manage_guild"] as const;
const isFunction = (value: unknown) => typeof value === "function";

export const actionContextSchema = z.object({
  guildId: field.snowflake,
  channelId: field.snowflake,
  actor: z.object({
    userId: field.snowflake,
    roleIds: z.array(field.snowflake).max(250, "must list at most 250 roles"),
    permissions: z.array(z.enum(SERVER_PERMISSIONS)),
    isBot: z.boolean().optional(),
    in: z.custom<(channelId: string) => ChannelRights>(isFunction, "must say the actor's rights per channel"),
    viewableChannelIds: z.custom<() => readonly string[] | "all">(isFunction, "must list viewable channels"),
  }),
  source: z.enum(EVENT_SOURCES),
  eventId: field.snowflake.optional(),
});

/** "", "none" or null clear an optional value. */
const clearable = <S extends z.ZodType>(schema: S) =>
  z.union([
    z.literal(null),
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(["", "none"]))
      .transform(() => null),
    schema,
  ]);

export function createTaskSchema(now: Date, timeZone?: string) {
  return z.object({
    title: field.title,
    description: field.description.default(""),
    priority: field.priority.default("medium"),
    assigneeId: field.snowflake.optional(),
    labels: field.labels.default([]),
    due: field.due(now, timeZone).optional(),
    estimate: field.estimate.optional(),
    parentNumber: field.taskNumber.optional(),
    dependsOn: field.taskNumbers.default([]),
    repeat: clearable(field.recurrence).optional(),
  });
}
export type CreateTaskValues = z.output<ReturnType<typeof createTaskSchema>>;

/** createTaskSchema for this input: built afresh only when it has a due date to read against `now`. */
export function createTaskSchemaFor(raw: { due?: unknown } | undefined, now: Date, timeZone?: string) {
  return raw?.due === undefined ? WITHOUT_DUE.create : createTaskSchema(now, timeZone);
}

export function editTaskSchema(now: Date, timeZone?: string) {
  return z.object({
    title: field.title.optional(),
    description: field.description.optional(),
    priority: field.priority.optional(),
    labels: field.labels.optional(),
    due: clearable(field.due(now, timeZone)).optional(),
    estimate: clearable(field.estimate).optional(),
    repeat: clearable(field.recurrence).optional(),
    parentNumber: z.union([z.literal(null), field.taskNumber]).optional(),
  });
}
export type EditTaskValues = z.output<ReturnType<typeof editTaskSchema>>;

/**
 * Building a zod object (and compiling it at its first parse) costs about 70 parses, so input without
 * a due date, nearly every create and edit, is read by a schema built once: its `due` is never read.
 */
const WITHOUT_DUE = { create: createTaskSchema(new Date(0)), edit: editTaskSchema(new Date(0)) };

/** editTaskSchema for this input (see createTaskSchemaFor). */
export function editTaskSchemaFor(raw: { due?: unknown } | undefined, now: Date, timeZone?: string) {
  return raw?.due === undefined ? WITHOUT_DUE.edit : editTaskSchema(now, timeZone);
}

export const expectedVersionSchema = z
  .number()
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .optional();

/** A submission's summary may run to 4000 characters; every other reason or note to 1000. */
export const transitionSchema = z
  .object({
    number: field.taskNumber,
    taskId: field.taskNumber.optional(),
    action: z.enum(TRANSITION_ACTIONS),
    expectedVersion: expectedVersionSchema,
    text: field.plainText
      .pipe(z.string().trim().max(MAX_SUMMARY, `must be at most ${MAX_SUMMARY} characters`))
      .optional(),
    assigneeId: field.snowflake.optional(),
    evidence: z.unknown().optional(),
    shownOn: field.snowflake.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.action !== "submit" && input.text !== undefined && input.text.length > field.MAX_TEXT)
      ctx.addIssue({
        code: "custom",
        path: ["text"],
        message: `must be at most ${field.MAX_TEXT} characters`,
      });
  });

export const pageSchema = z
  .object({
    cursor: z.string().max(200, "is not a cursor this bot made").nullish(),
    limit: z
      .number()
      .int("must be a whole number")
      .min(1, "must be 1–100")
      .max(100, "must be 1–100")
      .default(25),
  })
  .default({ limit: 25 });

export const searchQuery = field.plainText.pipe(
  z.string().trim().min(1, "can't be empty").max(200, "must be at most 200 characters"),
);

export const suggestQuery = field.plainText.pipe(
  z.string().trim().max(100, "must be at most 100 characters"),
);
export const suggestLimit = z
  .number()
  .int("must be a whole number")
  .min(1, "must be 1–25")
  .max(25, "must be 1–25");
