import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/errors.ts";
import { parseEvidence } from "../../src/domain/validation/evidence.ts";

const refusal = (value: unknown) => {
  try {
    parseEvidence(value);
  } catch (error) {
    if (error instanceof ValidationError) return { field: error.field, message: error.message };
    throw error;
  }
  return undefined;
};

describe("a submission's evidence block", () => {
  it("accepts every documented field", () => {
    const evidence = {
      summary: "Wrote it",
      files: [{ path: "a.md", change: "added" }],
      tests: { passed: 3, failed: 0, skipped: 1, command: "npm test" },
      links: ["https://example.com/pr/1"],
      notes: "see the PR",
    };
    expect(parseEvidence(evidence)).toEqual(evidence);
    expect(parseEvidence({})).toEqual({});
  });

  it("drops control characters from its text, which Postgres would refuse in the stored result", () => {
    const evidence = parseEvidence({
      summary: "done\u0000\u0007",
      files: [{ path: "a\u0000.md", change: "added" }],
      tests: { passed: 1, failed: 0, command: "npm\u0000 test" },
      notes: "see\u001b[31m it",
    });
    expect(evidence).toEqual({
      summary: "done",
      files: [{ path: "a.md", change: "added" }],
      tests: { passed: 1, failed: 0, command: "npm test" },
      notes: "see[31m it",
    });
  });

  it("refuses a bad block naming the field as written in the block", () => {
    expect(refusal({ files: [{ path: "a", change: "renamed" }] })).toEqual({
      field: "evidence.files[0].change",
      message: "evidence files[0].change must be one of added, modified, deleted",
    });
    expect(refusal({ tests: { passed: 1 } })).toEqual({
      field: "evidence.tests.failed",
      message: "evidence tests.failed is required",
    });
    expect(refusal({ tests: { passed: -1, failed: 0 } })?.message).toBe(
      "evidence tests.passed must be 0 or more",
    );
    expect(refusal({ links: ["javascript:alert(1)"] })?.message).toBe(
      "evidence links[0] must be an http(s) URL",
    );
    expect(refusal({ test: { passed: 1, failed: 0 } })?.message).toBe(
      "evidence test is not a field evidence has (summary, files, tests, links, notes)",
    );
    expect(refusal({ files: "a.md" })?.message).toBe("evidence files must be a list");
    expect(refusal([1])?.message).toBe("evidence must be an object");
    expect(refusal({ summary: "x".repeat(4001) })?.message).toBe(
      "evidence summary must be at most 4000 characters",
    );
  });
});
