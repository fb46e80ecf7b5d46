import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, QueueLimitError, UserError } from "../../src/domain/errors.ts";

describe("user errors", () => {
  it("carry their sentence and code but no stack frames; other errors keep theirs", () => {
    const limit = Error.stackTraceLimit;
    for (const error of [
      new UserError("Nope."),
      new NotFoundError("That task no longer exists."),
      new ConflictError("Someone else was first.", 4),
      new QueueLimitError(3, 3),
    ]) {
      expect(error).toBeInstanceOf(UserError);
      expect(error).toBeInstanceOf(Error);
      expect(error.stack).toBe(`${error.name}: ${error.message}`);
    }
    expect(new ConflictError("x", 4).currentVersion).toBe(4);
    expect(new NotFoundError("x").code).toBe("not_found");
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error("unexpected").stack).toMatch(/\n\s+at /);
  });
});
