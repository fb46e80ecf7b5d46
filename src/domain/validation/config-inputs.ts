import { z } from "zod";
import { AUTO_ASSIGN_MODES, NOTIFY_MODES } from "../task-states.ts";
import { canonicalTimeZone } from "../time-zone.ts";
import * as field from "./fields.ts";

const between = (min: number, max: number) =>
  z
    .number()
    .int("must be a whole number")
    .min(min, `must be ${min}–${max}`)
    .max(max, `must be ${min}–${max}`);

export const settingsPatchSchema = z.object({
  /** null removes the limit. */
  queueLimit: z.union([z.literal(null), between(1, 10_000)]).optional(),
  reviewerRoleId: z.union([z.literal(null), field.snowflake]).optional(),
  requireReview: z.boolean().optional(),
  allowSelfReview: z.boolean().optional(),
  maxAttempts: between(1, 20).optional(),
  leaseMinutes: between(1, 10_080).optional(),
  autoAssign: z
    .enum(AUTO_ASSIGN_MODES, { error: `must be one of ${AUTO_ASSIGN_MODES.join(", ")}` })
    .optional(),
  notifyReviewers: z.enum(NOTIFY_MODES, { error: `must be one of ${NOTIFY_MODES.join(", ")}` }).optional(),
  notifyCreator: z.enum(NOTIFY_MODES, { error: `must be one of ${NOTIFY_MODES.join(", ")}` }).optional(),
  remindBefore: field.remindBefore.optional(),
  remindOverdue: z.boolean().optional(),
  timezone: z
    .string()
    .transform((value, ctx) => {
      const zone = canonicalTimeZone(value);
      if (zone === null) {
        ctx.issues.push({
          code: "custom",
          // The value is named back only when it is plain letters, digits and / _ + - (never markup).
          message: /^[\w+\-/]{1,40}$/.test(value)
            ? `must be a time zone name like Europe/Berlin or America/New_York ("${value}" is not one)`
            : "must be a time zone name like Europe/Berlin or America/New_York",
          input: value,
        });
        return z.NEVER;
      }
      return zone;
    })
    .optional(),
  threads: z.boolean().optional(),
});

export const agentInputSchema = z.object({
  userId: field.snowflake,
  labels: field.labels.default([]),
  maxConcurrent: between(1, 100).default(1),
});
