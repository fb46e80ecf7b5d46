import { describe, expect, it } from "vitest";
import { type DecisionSettings, type DecisionTask, decide } from "../../src/domain/decide.ts";
import type { DomainActor } from "../../src/domain/roles.ts";

const ASSIGNEE = "100000000000000001";
const CREATOR = "100000000000000002";
const OTHER = "100000000000000003";
const REVIEWER_ROLE = "200000000000000001";

const member = (userId: string): DomainActor => ({ userId, roleIds: [], permissions: [] });
const reviewer = (userId: string): DomainActor => ({ userId, roleIds: [REVIEWER_ROLE], permissions: [] });
const settings: DecisionSettings = {
  reviewerRoleId: REVIEWER_ROLE,
  requireReview: true,
  allowSelfReview: false,
  maxAttempts: 3,
};
const task = (overrides: Partial<DecisionTask> = {}): DecisionTask => ({
  number: 12,
  status: "open",
  assigneeId: ASSIGNEE,
  createdBy: CREATOR,
  attempts: 0,
  nextAttemptAt: null,
  ...overrides,
});

describe("decide(): the reasons a user reads", () => {
  it("names the status and who may act", () => {
    expect(decide(task({ status: "in_review" }), "approve", member(OTHER), settings)).toEqual({
      ok: false,
      kind: "forbidden",
      reason: "#12 is in review; only a reviewer can approve it.",
    });
  });

  it("names the assignee when only they may act", () => {
    const decision = decide(task(), "start", member(OTHER), settings);
    expect(decision).toMatchObject({
      ok: false,
      reason: `#12 is open; only the assignee (<@${ASSIGNEE}>) can start it.`,
    });
  });

  it("does not name an assignee an unassigned task doesn't have", () => {
    expect(decide(task({ assigneeId: null }), "edit", member(OTHER), settings)).toMatchObject({
      reason: "#12 is open; only the creator or a reviewer can edit it.",
    });
  });

  it("says a task in progress with nobody holding it has no assignee to release, not that nobody may", () => {
    const decision = decide(
      task({ status: "in_progress", assigneeId: null }),
      "release",
      reviewer(OTHER),
      settings,
    );
    expect(decision).toEqual({ ok: false, kind: "state", reason: "#12 has no assignee to release it." });
  });

  it("says which states allow the action", () => {
    expect(decide(task({ status: "open" }), "approve", reviewer(OTHER), settings)).toMatchObject({
      ok: false,
      kind: "state",
      reason: "#12 is open; you can only approve a task that is in review.",
    });
    expect(decide(task({ status: "done" }), "block", reviewer(OTHER), settings, { text: "x" })).toMatchObject(
      {
        reason: "#12 is done; you can only block a task that is open or in progress.",
      },
    );
  });

  it("says 'already' when the task is where the action would take it", () => {
    expect(decide(task({ status: "cancelled" }), "cancel", member(CREATOR), settings)).toMatchObject({
      reason: "#12 is already cancelled.",
    });
  });
});

describe("decide(): assignment", () => {
  it("refuses to claim a task someone else holds, naming them", () => {
    expect(decide(task(), "claim", member(OTHER), settings)).toMatchObject({
      ok: false,
      reason: `#12 is already assigned to <@${ASSIGNEE}>.`,
    });
  });

  it("tells the assignee the task is already theirs", () => {
    expect(decide(task(), "claim", member(ASSIGNEE), settings)).toMatchObject({
      reason: "#12 is already yours.",
    });
  });

  it("lets anyone assign themselves (a claim) but not others", () => {
    const open = task({ assigneeId: null });
    expect(decide(open, "assign", member(OTHER), settings, { assigneeId: OTHER })).toEqual({
      ok: true,
      to: "open",
    });
    expect(decide(open, "assign", member(OTHER), settings, { assigneeId: ASSIGNEE })).toMatchObject({
      ok: false,
      kind: "forbidden",
    });
  });

  it("refuses to assign the current assignee again and asks for a target", () => {
    expect(decide(task(), "assign", member(CREATOR), settings, { assigneeId: ASSIGNEE })).toMatchObject({
      reason: `#12 is already assigned to <@${ASSIGNEE}>.`,
    });
    expect(decide(task(), "assign", member(CREATOR), settings, {})).toMatchObject({ kind: "invalid" });
  });

  it("asks for a claim before starting an unassigned task", () => {
    expect(decide(task({ assigneeId: null }), "start", member(OTHER), settings)).toMatchObject({
      reason: "#12 has no assignee; claim it first.",
    });
  });

  it("refuses to unassign a task without an assignee", () => {
    expect(decide(task({ assigneeId: null }), "unassign", member(CREATOR), settings)).toMatchObject({
      reason: "#12 has no assignee.",
    });
  });
});

describe("decide(): reviews", () => {
  const inReview = task({ status: "in_review" });

  it("refuses self-approval unless the channel allows it", () => {
    expect(decide(inReview, "approve", reviewer(ASSIGNEE), settings)).toMatchObject({
      ok: false,
      kind: "forbidden",
      reason: "You can't approve your own work on #12; another reviewer has to.",
    });
    expect(decide(inReview, "approve", reviewer(ASSIGNEE), { ...settings, allowSelfReview: true })).toEqual({
      ok: true,
      to: "done",
    });
  });

  it("submits straight to done where review is not required", () => {
    const working = task({ status: "in_progress" });
    expect(decide(working, "submit", member(ASSIGNEE), { ...settings, requireReview: false })).toEqual({
      ok: true,
      to: "done",
    });
  });

  it("refuses to finish a parent while subtasks are live, listing them", () => {
    const liveSubtasks = [
      { number: 13, status: "open" as const },
      { number: 14, status: "in_progress" as const },
    ];
    const reason =
      "#12 can't be done while its subtasks are live: #13 (open), #14 (in progress). Finish or cancel them first.";
    expect(decide(inReview, "approve", reviewer(OTHER), settings, { liveSubtasks })).toMatchObject({
      reason,
    });
    const working = task({ status: "in_progress" });
    const noReview = { ...settings, requireReview: false };
    expect(decide(working, "submit", member(ASSIGNEE), noReview, { liveSubtasks })).toMatchObject({ reason });
  });

  it("requires a reason to request rework or block", () => {
    expect(decide(inReview, "request_rework", reviewer(OTHER), settings, { text: "  " })).toMatchObject({
      kind: "invalid",
      reason: "A reason is required to send back for rework #12.",
    });
    expect(decide(task(), "block", member(CREATOR), settings, {})).toMatchObject({
      reason: "A reason is required to block #12.",
    });
  });
});

describe("decide(): agents, dependencies and reopening", () => {
  it("retries a failure while attempts are left, then dead-letters", () => {
    const working = (attempts: number) => task({ status: "in_progress", attempts });
    expect(decide(working(0), "fail", member(ASSIGNEE), settings)).toEqual({ ok: true, to: "open" });
    expect(decide(working(1), "fail", member(ASSIGNEE), settings)).toEqual({ ok: true, to: "open" });
    expect(decide(working(2), "fail", member(ASSIGNEE), settings)).toEqual({ ok: true, to: "failed" });
  });

  it("refuses to start during the retry backoff, saying when", () => {
    const now = new Date("2030-01-01T00:00:00Z");
    const waiting = task({ nextAttemptAt: new Date("2030-01-01T00:01:00Z") });
    expect(decide(waiting, "start", member(ASSIGNEE), settings, { now })).toMatchObject({
      reason: "#12 is waiting before its next attempt; it can start <t:1893456060:R>.",
    });
    const later = new Date("2030-01-01T00:02:00Z");
    expect(decide(waiting, "start", member(ASSIGNEE), settings, { now: later })).toEqual({
      ok: true,
      to: "in_progress",
    });
  });

  it("keeps a task blocked while dependencies are open", () => {
    const openDependencies = [{ number: 3, status: "in_review" as const }];
    expect(
      decide(task({ status: "blocked" }), "unblock", member(CREATOR), settings, { openDependencies }),
    ).toMatchObject({
      reason: "#12 still waits on #3 (in review).",
    });
    expect(
      decide(task({ status: "done" }), "reopen", member(CREATOR), settings, { openDependencies }),
    ).toEqual({
      ok: true,
      to: "blocked",
    });
  });

  it("refuses to reopen a subtask of a finished parent", () => {
    const parent = { number: 3, status: "done" as const };
    expect(decide(task({ status: "done" }), "reopen", member(CREATOR), settings, { parent })).toMatchObject({
      reason: "#12 is a subtask of #3, which is done; reopen #3 first.",
    });
  });

  it("grants manage_channels the reviewer role even without the channel's reviewer role", () => {
    const manager: DomainActor = { userId: OTHER, roleIds: [], permissions: ["manage_channels"] };
    expect(decide(task({ status: "in_review" }), "approve", manager, settings)).toEqual({
      ok: true,
      to: "done",
    });
  });
});
