import type { z } from "zod";
import { ValidationError } from "../errors.ts";

/** How input keys read in a message; the error's `field` keeps the key itself. */
const FIELD_WORDS: Record<string, string> = {
  assigneeId: "assignee",
  parentNumber: "parent",
  dependsOn: "depends on",
  expectedVersion: "version",
  reviewerRoleId: "reviewer role",
  queueLimit: "queue limit",
  requireReview: "require review",
  allowSelfReview: "allow self review",
  maxAttempts: "max attempts",
  leaseMinutes: "lease minutes",
  autoAssign: "auto assign",
  notifyReviewers: "notify reviewers",
  notifyCreator: "notify creator",
  remindBefore: "remind before",
  remindOverdue: "remind overdue",
  maxConcurrent: "max concurrent",
  userId: "user",
  guildId: "server id",
  channelId: "channel id",
  roleIds: "roles",
  onNumber: "dependency",
};

function ruleText(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === "invalid_type") {
    return input === undefined ? "is required" : `must be ${article(issue.expected)}`;
  }
  if (issue.code === "invalid_value" && "values" in issue) {
    return `must be one of ${issue.values.map(String).join(", ")}`;
  }
  return issue.message;
}

function article(expected: string): string {
  if (expected === "string") return "text";
  if (expected === "int" || expected === "number") return "a whole number";
  if (expected === "boolean") return "true or false";
  if (expected === "array") return "a list";
  if (expected === "object") return "an object";
  return expected;
}

/**
 * Parses a service input or throws ValidationError naming the field and the rule, e.g.
 * `title must be 1–200 characters after trimming`. `field` names a bare value (not an object).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, field?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.filter((segment): segment is string => typeof segment === "string");
  const key = path.join(".") || field || "input";
  const last = path.at(-1) ?? field ?? "input";
  const input = issue.path.reduce<unknown>(
    (at, segment) => (at as Record<PropertyKey, unknown>)?.[segment],
    value,
  );
  throw new ValidationError(key, `${FIELD_WORDS[last] ?? last} ${ruleText(mostSpecific(issue), input)}`);
}

/** A union without its own message: report the last alternative, by convention the real rule. */
function mostSpecific(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_union" || issue.message !== "Invalid input") return issue;
  const inner = issue.errors.at(-1)?.[0];
  return inner ? mostSpecific(inner) : issue;
}
