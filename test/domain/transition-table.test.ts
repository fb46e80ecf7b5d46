import { describe, expect, it } from "vitest";
import { TASK_STATUSES } from "../../src/domain/task-states.ts";
import {
  actionOfCardButton,
  CARD_ACTIONS,
  CARD_BUTTONS,
  type CardFormId,
  cardButtonsFor,
  cardFormOf,
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
    const labels = Object.fromEntries(
      TASK_STATUSES.map((status) => [status, cardButtonsFor(status).map(({ button }) => button.label)]),
    );
    expect(labels).toEqual({
      open: ["Claim", "Start"],
      in_progress: ["Submit for review", "Submit with a note", "Release"],
      in_review: ["Approve", "Request rework"],
      blocked: ["Unblock"],
      done: ["Reopen"],
      cancelled: ["Reopen"],
      failed: ["Reopen"],
    });
    expect(cardButtonsFor("in_progress")[0]?.button.labelWithoutReview).toBe("Mark done");
    expect(cardButtonsFor("in_progress", true).map(({ button }) => button.label)).toEqual([
      "Submit for review",
      "Submit with a note",
      "Release",
      "Answer",
    ]);
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
      for (const { action, button } of cardButtonsFor(status)) {
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
