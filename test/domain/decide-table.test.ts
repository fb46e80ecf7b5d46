import { describe, expect, it } from "vitest";
import { type DecisionTask, decide } from "../../src/domain/decide.ts";
import type { DomainActor } from "../../src/domain/roles.ts";
import { TASK_STATUSES, type TaskStatus } from "../../src/domain/task-states.ts";
import { DOMAIN_ACTIONS, type DomainAction } from "../../src/domain/transitions.ts";

/**
 * The state table of docs/architecture.md, written out by hand (independently of src/domain/transitions.ts) and
 * checked for every status × action × role.
 */
type TestRole = "assignee" | "creator" | "reviewer" | "admin" | "anyone" | "system";
const TEST_ROLES: TestRole[] = ["assignee", "creator", "reviewer", "admin", "anyone", "system"];

const LIVE: TaskStatus[] = ["open", "in_progress", "in_review", "blocked"];
const STEWARDS: TestRole[] = ["assignee", "creator", "reviewer", "admin"];

const SPEC: Record<DomainAction, { from: TaskStatus[]; to: TaskStatus | "same"; who: TestRole[] }> = {
  claim: { from: ["open", "blocked"], to: "same", who: TEST_ROLES },
  assign: { from: ["open", "blocked"], to: "same", who: ["creator", "reviewer", "admin"] },
  unassign: { from: ["open", "blocked"], to: "same", who: STEWARDS },
  start: { from: ["open"], to: "in_progress", who: ["assignee"] },
  submit: { from: ["in_progress"], to: "in_review", who: ["assignee"] },
  approve: { from: ["in_review"], to: "done", who: ["reviewer", "admin"] },
  request_rework: { from: ["in_review"], to: "in_progress", who: ["reviewer", "admin"] },
  release: { from: ["in_progress"], to: "open", who: ["assignee", "system"] },
  fail: { from: ["in_progress"], to: "open", who: ["assignee", "system"] },
  block: { from: ["open", "in_progress"], to: "blocked", who: STEWARDS },
  unblock: { from: ["blocked"], to: "open", who: [...STEWARDS, "system"] },
  cancel: { from: LIVE, to: "cancelled", who: ["creator", "reviewer", "admin"] },
  skip: { from: LIVE, to: "cancelled", who: ["creator", "reviewer", "admin"] },
  reopen: { from: ["done", "cancelled", "failed"], to: "open", who: ["creator", "reviewer", "admin"] },
  edit: { from: [...TASK_STATUSES], to: "same", who: STEWARDS },
  progress: { from: ["in_progress"], to: "same", who: ["assignee"] },
  comment: { from: [...TASK_STATUSES], to: "same", who: TEST_ROLES },
  add_dependency: { from: ["open", "in_progress", "blocked"], to: "same", who: STEWARDS },
  remove_dependency: { from: ["open", "in_progress", "blocked"], to: "same", who: STEWARDS },
  ask: { from: ["in_progress"], to: "same", who: ["assignee"] },
  answer: { from: ["in_progress"], to: "same", who: ["creator", "reviewer", "admin"] },
};

const ASSIGNEE = "100000000000000001";
const CREATOR = "100000000000000002";
const OTHER = "100000000000000003";
const NEWCOMER = "100000000000000004";
const REVIEWER_ROLE = "200000000000000001";
const settings = {
  reviewerRoleId: REVIEWER_ROLE,
  requireReview: true,
  allowSelfReview: false,
  maxAttempts: 3,
};

function actorFor(role: TestRole): DomainActor {
  const plain = (userId: string): DomainActor => ({ userId, roleIds: [], permissions: [] });
  switch (role) {
    case "assignee":
      return plain(ASSIGNEE);
    case "creator":
      return plain(CREATOR);
    case "reviewer":
      return { userId: OTHER, roleIds: [REVIEWER_ROLE], permissions: [] };
    case "admin":
      return { userId: OTHER, roleIds: [], permissions: ["administrator"] };
    default:
      return plain(OTHER);
  }
}

const STATUS_WORDS: Record<TaskStatus, string> = {
  open: "open",
  in_progress: "in progress",
  in_review: "in review",
  blocked: "blocked",
  done: "done",
  cancelled: "cancelled",
  failed: "failed",
};

const cases = DOMAIN_ACTIONS.flatMap((action) =>
  TASK_STATUSES.flatMap((status) => TEST_ROLES.map((role) => ({ action, status, role }))),
);

describe("decide(): every status × action × role", () => {
  it("the hand-written table names exactly the domain's actions", () => {
    expect([...DOMAIN_ACTIONS].sort()).toEqual(Object.keys(SPEC).sort());
  });

  it.each(cases)("$action on a $status task by $role", ({ action, status, role }) => {
    const spec = SPEC[action];
    const task: DecisionTask = {
      number: 12,
      status,
      // Claiming needs an unassigned task; everything else acts on an assigned one.
      assigneeId: action === "claim" ? null : ASSIGNEE,
      createdBy: CREATOR,
      attempts: 0,
      nextAttemptAt: null,
    };
    const decision = decide(task, action, actorFor(role), settings, {
      system: role === "system",
      assigneeId: NEWCOMER,
      text: "because it has to",
    });
    const allowedRoles: TestRole[] = role === "admin" ? ["admin", "reviewer"] : [role];
    if (!spec.from.includes(status)) {
      expect(decision).toMatchObject({ ok: false, kind: "state" });
      if (!decision.ok) expect(decision.reason).toContain(`#12 is `);
      if (!decision.ok) expect(decision.reason).toContain(STATUS_WORDS[status]);
    } else if (!spec.who.some((who) => allowedRoles.includes(who))) {
      expect(decision).toMatchObject({ ok: false, kind: "forbidden" });
      if (!decision.ok) expect(decision.reason).toMatch(/only .+ can /);
    } else {
      expect(decision).toEqual({ ok: true, to: spec.to === "same" ? status : spec.to });
    }
  });
});
