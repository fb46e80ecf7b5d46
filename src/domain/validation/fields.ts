import { z } from "zod";
import { PRIORITIES, RECURRENCES } from "../task-states.ts";
import { parseDue, parseDurationMinutes } from "./durations.ts";

/** Messages start with the rule; parseInput() puts the field's name in front of them. */

export const MAX_TEXT = 1000;
export const MAX_LABELS = 10;
export const MAX_LABEL_LENGTH = 32;
export const MAX_ESTIMATE_MINUTES = 365 * 24 * 60;
const MAX_DUE_MS = 10 * 365 * 24 * 3600_000;
const MAX_NUMBER = 2_147_483_647;

export const snowflake = z.string().regex(/^\d{17,20}$/, "must be a Discord id (17–20 digits)");

export const taskNumber = z
  .number()
  .int("must be a whole number")
  .min(1, "must be a task number like 12")
  .max(MAX_NUMBER, "must be a task number from 1 to 2,147,483,647");

/** Line breaks and tabs become spaces; other control characters and bidi overrides are dropped. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const TITLE_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export const title = z
  .string()
  .transform((value) => value.replace(TITLE_CONTROLS, (c) => (/\s/.test(c) ? " " : "")))
  .pipe(
    z
      .string()
      .trim()
      .min(1, "must be 1–200 characters after trimming")
      .max(200, "must be 1–200 characters after trimming"),
  );

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const TEXT_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text with its control characters (but tab and line break) and bidi overrides dropped: Postgres refuses NUL. */
export const plainText = z.string().transform((value) => value.replace(TEXT_CONTROLS, ""));

export const description = plainText.pipe(z.string().trim().max(4000, "must be at most 4000 characters"));

export const priority = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(PRIORITIES, { error: "must be one of low, medium, high, critical" }));

/** A reason, note or comment: required (non-empty after trimming), at most 1000 characters. */
export const text = plainText.pipe(
  z.string().trim().min(1, "can't be empty").max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`),
);

const LABEL = /^[\p{L}\p{N}][\p{L}\p{N}_.\-/:+#]*$/u;

/** "Bug, ui ,bug" or ["Bug","ui"] -> ["bug","ui"]: trimmed, lowercased, deduplicated. */
export const labels = z
  .union([z.string(), z.array(z.string())], { error: "must be a comma-separated list or a list of labels" })
  .transform((value) => {
    const parts = (Array.isArray(value) ? value : value.split(",")).map((label) =>
      label.trim().toLowerCase(),
    );
    return [...new Set(parts.filter((label) => label.length > 0))];
  })
  .check((ctx) => {
    const tooLong = ctx.value.find((label) => label.length > MAX_LABEL_LENGTH);
    const odd = ctx.value.find((label) => !LABEL.test(label));
    const problem =
      ctx.value.length > MAX_LABELS
        ? `must have at most ${MAX_LABELS} labels (got ${ctx.value.length})`
        : tooLong
          ? `must each be at most ${MAX_LABEL_LENGTH} characters ("${tooLong.slice(0, 40)}" is too long)`
          : odd
            ? `may only use letters, digits and - _ . / : + # ("${odd}" doesn't)`
            : null;
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  });

/** A due date, read in the server's time zone, not in the past, at most 10 years ahead. */
export function due(now: Date, timeZone?: string) {
  return z.string().transform((value, ctx) => {
    const date = parseDue(value, now, timeZone);
    const problem =
      date === null && parseDurationMinutes(value) !== null
        ? "must be within 10 years"
        : date === null
          ? "must be a date like 2030-03-01, a date and time like 2030-03-01 17:00, a day like tomorrow 9:00 or friday, or relative like 3d or 2h"
          : date.getTime() < now.getTime()
            ? "must not be in the past"
            : date.getTime() - now.getTime() > MAX_DUE_MS
              ? "must be within 10 years"
              : null;
    if (problem) {
      ctx.issues.push({ code: "custom", message: problem, input: value });
      return z.NEVER;
    }
    return date!;
  });
}

/** "90m", "2h", "1d", "1h30m" -> minutes (a day counts 24 hours, like the clock estimates are compared with). */
export const estimate = z.string().transform((value, ctx) => {
  const minutes = parseDurationMinutes(value);
  const problem =
    minutes === null
      ? "must look like 90m, 2h or 1d"
      : minutes < 1
        ? "must be at least 1 minute"
        : minutes > MAX_ESTIMATE_MINUTES
          ? "must be at most 365d"
          : null;
  if (problem) {
    ctx.issues.push({ code: "custom", message: problem, input: value });
    return z.NEVER;
  }
  return minutes!;
});

/** [3, 4] or "3, #4 5" -> [3, 4, 5], deduplicated. */
export const taskNumbers = z
  .union([z.array(z.number()), z.string()], { error: "must be task numbers like 3, 4" })
  .transform((value, ctx) => {
    const parts = Array.isArray(value) ? value : value.split(/[\s,]+/).filter(Boolean);
    const numbers = parts.map((part) =>
      typeof part === "number" ? part : Number(String(part).replace(/^#/, "")),
    );
    const bad = numbers.find((n) => !Number.isInteger(n) || n < 1 || n > MAX_NUMBER);
    if (bad !== undefined) {
      ctx.issues.push({ code: "custom", message: "must be task numbers like 3, 4", input: value });
      return z.NEVER;
    }
    if (numbers.length > 20) {
      ctx.issues.push({ code: "custom", message: "must list at most 20 tasks", input: value });
      return z.NEVER;
    }
    return [...new Set(numbers)];
  });

/** daily, weekdays, weekly, monthly. */
export const recurrence = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(RECURRENCES, { error: `must be one of ${RECURRENCES.join(", ")}` }));

/** One reminder offset: at least a minute, at most 30 days. */
const MAX_REMIND_MINUTES = 30 * 24 * 60;

/** "1d,1h" -> [1440, 60]: deduplicated, largest first; "off" or "none" -> no reminders before. */
export const remindBefore = z
  .union([z.string(), z.array(z.number())], { error: "must be durations like 1d,1h" })
  .transform((value, ctx) => {
    const parts = Array.isArray(value)
      ? value
      : ["off", "none", ""].includes(value.trim().toLowerCase())
        ? []
        : value.split(",").map((part) => parseDurationMinutes(part));
    const problem = parts.some((minutes) => minutes === null || !Number.isInteger(minutes))
      ? "must be durations like 1d,1h (or off)"
      : parts.some((minutes) => minutes! < 1)
        ? "must each be at least 1m"
        : parts.some((minutes) => minutes! > MAX_REMIND_MINUTES)
          ? "must each be at most 30d"
          : parts.length > 5
            ? "must list at most 5 durations"
            : null;
    if (problem) {
      ctx.issues.push({ code: "custom", message: problem, input: value });
      return z.NEVER;
    }
    return [...new Set(parts as number[])].sort((a, b) => b - a);
  });
