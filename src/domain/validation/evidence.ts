import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { plainText } from "./fields.ts";

/** A submission's summary: kept whole up to this many characters (the tasks' description limit). */
export const MAX_SUMMARY = 4000;
export const FILE_CHANGES = ["added", "modified", "deleted"] as const;

const count = z.number().int("must be a whole number").min(0, "must be 0 or more");
const url = z
  .string()
  .max(500, "must be at most 500 characters")
  .refine((value) => /^https?:\/\/[^\s]+$/.test(value), "must be an http(s) URL");

/**
 * The ```json block that may follow `submit N <summary>`: what changed, how the tests went, where to
 * look. Unknown keys are refused so a typo ("test" for "tests") is not silently dropped.
 */
export const evidenceSchema = z
  .object({
    summary: plainText
      .pipe(z.string().trim().max(MAX_SUMMARY, `must be at most ${MAX_SUMMARY} characters`))
      .optional(),
    files: z
      .array(
        z
          .object({
            path: plainText.pipe(
              z.string().trim().min(1, "can't be empty").max(500, "must be at most 500 characters"),
            ),
            change: z.enum(FILE_CHANGES, { error: `must be one of ${FILE_CHANGES.join(", ")}` }),
          })
          .strict(),
      )
      .max(200, "must list at most 200 files")
      .optional(),
    tests: z
      .object({
        passed: count,
        failed: count,
        skipped: count.optional(),
        command: plainText.pipe(z.string().max(500, "must be at most 500 characters")).optional(),
      })
      .strict()
      .optional(),
    links: z.array(url).max(20, "must list at most 20 links").optional(),
    notes: plainText
      .pipe(z.string().max(MAX_SUMMARY, `must be at most ${MAX_SUMMARY} characters`))
      .optional(),
  })
  .strict();
export type Evidence = z.output<typeof evidenceSchema>;

/**
 * Validates an evidence block or throws ValidationError naming the field as it is written in the
 * block, e.g. `evidence files[0].change must be one of added, modified, deleted`.
 */
export function parseEvidence(value: unknown): Evidence {
  const result = evidenceSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  let path = issue.path
    .map((segment) => (typeof segment === "number" ? `[${segment}]` : `.${String(segment)}`))
    .join("")
    .replace(/^\./, "");
  let rule = issue.message;
  if (issue.code === "unrecognized_keys") {
    const key = String(issue.keys[0]);
    path = path ? `${path}.${key}` : key;
    rule = "is not a field evidence has (summary, files, tests, links, notes)";
  } else if (issue.code === "invalid_type") {
    const at = issue.path.reduce<unknown>((v, s) => (v as Record<PropertyKey, unknown>)?.[s], value);
    rule = at === undefined ? "is required" : `must be ${expectedWords(issue.expected)}`;
  }
  const field = path ? `evidence.${path}` : "evidence";
  throw new ValidationError(field, `${path ? `evidence ${path}` : "evidence"} ${rule}`);
}

function expectedWords(expected: string): string {
  if (expected === "string") return "text";
  if (expected === "number" || expected === "int") return "a number";
  if (expected === "array") return "a list";
  if (expected === "object") return "an object";
  return expected;
}
