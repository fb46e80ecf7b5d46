import { describe, expect, it } from "vitest";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { newScene } from "./support/scene.ts";

/**
 * What one Approve click costs the database inside its transaction, counted by the database handle's
 * statement counter (drizzle's logger; on Postgres it also sees BEGIN and COMMIT, which are left out here).
 * The budget is today's count, so a change that adds a statement to every approval shows up here.
 * Issue #12's target is 6; see docs/architecture.md for where the statements go. Issue #13 added one:
 * the creator_notice outbox row telling the task's creator it is done (notify-creator).
 */
const APPROVE_BUDGET = 10;

describe.each(DRIVERS)("statements per change (%s)", (driver) => {
  const h = useHarness(driver);

  it("one Approve click (a card's version-checked approve)", async () => {
    const s = await newScene(h);
    const task = await h.tasks.create(s.ctx(s.creator), { title: "Count my statements" });
    await h.tasks.transition(s.ctx(s.member), { number: task.number, action: "claim" });
    await h.tasks.transition(s.ctx(s.member), { number: task.number, action: "start" });
    const submitted = await h.tasks.transition(s.ctx(s.member), { number: task.number, action: "submit" });
    const before = h.database.queryCount();
    const { task: approved } = await h.tasks.transition(s.ctx(s.reviewer, "button"), {
      number: task.number,
      action: "approve",
      expectedVersion: submitted.task.version,
    });
    const statements = h.database.queryCount() - before - (driver === "postgres" ? 2 : 0);
    expect(approved.status).toBe("done");
    expect(statements).toBeLessThanOrEqual(APPROVE_BUDGET);
  });
});
