import { describe, expect, it } from "vitest";
import {
  actionOfCardButton,
  CARD_ACTIONS,
  CARD_BUTTONS,
  type CardFormId,
  cardButtonsFor,
  cardFormOf,
} from "../../src/domain/card-buttons.ts";
import { decide } from "../../src/domain/decide.ts";
import { TASK_STATUSES, type TaskStatus } from "../../src/domain/task-states.ts";
import {
  isTransitionAction,
  PAST_TENSE,
  TRANSITION_ACTIONS,
  TRANSITIONS,
} from "../../src/domain/transitions.ts";

/** What is derived from the one record per action (src/domain/transitions.ts). */
describe("the transition table's derived lists", () => {
  it("transition() takes the status-changing actions; edits, progress, comments and dependencies have their own methods", () => {
    expect(TRANSITION_ACTIONS).toEqual([
      "claim",
      "assign",
      "unassign",
      "start",
      "submit",
      "release",
      "approve",
      "request_rework",
      "fail",
      "block",
      "unblock",
      "cancel",
      "skip",
      "reopen",
    ]);
  });

  it("each status shows the buttons users know, in that order", () => {
    const labelsOf = (status: TaskStatus, assigned: boolean, waitingForAnswer = false) =>
      cardButtonsFor({ status, assigned, waitingForAnswer }).map(({ button }) => button.label);
    expect(Object.fromEntries(TASK_STATUSES.map((status) => [status, labelsOf(status, true)]))).toEqual({
      open: ["Start"],
      in_progress: ["Submit for review", "Submit with a note", "Release"],
      in_review: ["Approve", "Request rework"],
      blocked: ["Unblock"],
      done: ["Reopen"],
      cancelled: ["Reopen"],
      failed: ["Reopen"],
    });
    expect(labelsOf("open", false)).toEqual(["Claim"]);
    expect(labelsOf("blocked", false)).toEqual(["Unblock"]);
    expect(
      cardButtonsFor({ status: "in_progress", assigned: true, waitingForAnswer: false })[0]?.button
        .labelWithoutReview,
    ).toBe("Mark done");
    expect(labelsOf("in_progress", true, true)).toEqual([
      "Submit for review",
      "Submit with a note",
      "Release",
      "Answer",
    ]);
  });

  it("a card never shows a button that the state alone refuses, assigned or not", () => {
    const settings = { reviewerRoleId: null, requireReview: true, allowSelfReview: true, maxAttempts: 3 };
    // A server manager acting as the assignee holds every role a button asks for: what is left is the state.
    const manager = { userId: "1", roleIds: [], permissions: ["administrator" as const] };
    for (const status of TASK_STATUSES) {
      for (const assigned of [true, false]) {
        const task = {
          number: 7,
          status,
          assigneeId: assigned ? manager.userId : null,
          createdBy: "2",
          attempts: 0,
          nextAttemptAt: null,
        };
        for (const { action } of cardButtonsFor({ status, assigned, waitingForAnswer: true })) {
          if (!isTransitionAction(action)) continue;
          const decision = decide(task, action, manager, settings, {
            text: "a note",
            assigneeId: manager.userId,
          });
          expect(
            decision.ok || decision.kind !== "state",
            `${action} on ${status}, assigned ${assigned}`,
          ).toBe(true);
        }
      }
    }
  });

  it("the buttons that take text open a form whose custom_id maps back to the action", () => {
    const forms = CARD_BUTTONS.flatMap(({ action, button }) =>
      button.form
        ? [{ action, button: button.id, form: button.form.id, required: button.form.required }]
        : [],
    );
    expect(forms).toEqual([
      { action: "submit", button: "submit-note", form: "submit-note-text", required: false },
      { action: "request_rework", button: "rework", form: "rework-reason", required: true },
      { action: "answer", button: "answer", form: "answer-text", required: true },
    ]);
    for (const { action, form } of forms) expect(cardFormOf(form as CardFormId).action).toBe(action);
  });

  it("a button is only shown where its action is allowed, and its custom_id word maps back to it", () => {
    for (const status of TASK_STATUSES) {
      const states = [true, false].map((assigned) => ({ status, assigned, waitingForAnswer: true }));
      for (const { action, button } of states.flatMap(cardButtonsFor)) {
        expect((TRANSITIONS[action].from as readonly string[]).includes(status)).toBe(true);
        expect(actionOfCardButton(button.id)).toBe(action);
      }
    }
    expect(CARD_ACTIONS).toContain("rework");
    expect(actionOfCardButton("rework")).toBe("request_rework");
  });

  it("every recorded kind that can explain a stale card has a past tense; a comment never does", () => {
    expect(PAST_TENSE.approved).toBe("approved");
    expect(PAST_TENSE.rework_requested).toBe("sent back for rework");
    expect(PAST_TENSE.created).toBe("created");
    expect(PAST_TENSE.commented).toBeUndefined();
  });
});
