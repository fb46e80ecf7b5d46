import { describe, expect, it } from "vitest";
import {
  CARD_ACTIONS,
  CARD_FORM_IDS,
  type CustomId,
  encodeCustomId,
  parseCustomId,
} from "../../src/discord/custom-id.ts";

describe("custom_id codec", () => {
  const samples: CustomId[] = [
    ...CARD_ACTIONS.map((action) => ({ kind: "card" as const, action, taskId: 41, number: 7, version: 3 })),
    {
      kind: "card",
      action: "approve",
      taskId: 2_147_483_647,
      number: 2_147_483_647,
      version: 2_147_483_647,
    },
    // A card posted before buttons carried the number.
    ...CARD_ACTIONS.map((action) => ({
      kind: "card" as const,
      action,
      taskId: 41,
      number: null,
      version: 3,
    })),
    ...CARD_FORM_IDS.map((form) => ({ kind: "card_form" as const, form, taskId: 41, version: 7 })),
    { kind: "create_modal" },
    { kind: "page", token: "AbC_-09xyz" },
  ];

  it.each(samples)("round-trips %o", (id) => {
    const raw = encodeCustomId(id);
    expect(raw.length).toBeLessThanOrEqual(100);
    expect(raw.startsWith(id.kind === "card" && id.number !== null ? "t2:" : "t1:")).toBe(true);
    expect(parseCustomId(raw)).toEqual(id);
  });

  it("uses the documented layout for card buttons and their forms", () => {
    expect(encodeCustomId({ kind: "card", action: "approve", taskId: 41, number: 7, version: 3 })).toBe(
      "t2:approve:41:7:3",
    );
    // Cards posted before the number was carried keep working.
    expect(parseCustomId("t1:approve:41:3")).toEqual({
      kind: "card",
      action: "approve",
      taskId: 41,
      number: null,
      version: 3,
    });
    // Forms already open when a new version deploys keep their custom_id.
    expect(encodeCustomId({ kind: "card_form", form: "rework-reason", taskId: 41, version: 3 })).toBe(
      "t1:rework-reason:41:3",
    );
    expect(CARD_FORM_IDS).toEqual(["submit-note-text", "rework-reason", "answer-text"]);
  });

  it.each([
    ["empty", ""],
    ["another bot's id", "ticket:close:1"],
    ["old prefix", "t0:approve:41:3"],
    ["unknown action", "t1:delete:41:3"],
    ["missing version", "t1:approve:41"],
    ["extra part", "t1:approve:41:3:9"],
    ["negative id", "t1:approve:-41:3"],
    ["zero version", "t1:approve:41:0"],
    ["leading zero", "t1:approve:041:3"],
    ["not a number", "t1:approve:abc:3"],
    ["float", "t1:approve:4.1:3"],
    ["beyond a Postgres integer", "t1:approve:2147483648:3"],
    ["huge number", "t1:approve:99999999999999999999:3"],
    ["whitespace", "t1:approve: 41:3"],
    ["page token with a colon", "t1:page:abc:def"],
    ["page token with odd characters", "t1:page:ab$c"],
    ["create modal with extras", "t1:create-task:5"],
    ["rework modal without version", "t1:rework-reason:41"],
    ["answer form without version", "t1:answer-text:41"],
    ["unknown form", "t1:delete-reason:41:3"],
    ["t2 without the number", "t2:approve:41:3"],
    ["t2 with an extra part", "t2:approve:41:7:3:1"],
    ["t2 unknown action", "t2:delete:41:7:3"],
    ["t2 form", "t2:rework-reason:41:7:3"],
    ["t2 zero number", "t2:approve:41:0:3"],
    ["t2 leading zero", "t2:approve:41:07:3"],
    ["t2 number beyond a Postgres integer", "t2:approve:41:2147483648:3"],
    ["t2 page", "t2:page:abc"],
    ["oversized", `t1:page:${"a".repeat(100)}`],
  ])("refuses %s", (_why, raw) => {
    expect(parseCustomId(raw)).toBeNull();
  });

  it("refuses values that are not strings", () => {
    expect(parseCustomId(undefined)).toBeNull();
    expect(parseCustomId(42)).toBeNull();
    expect(parseCustomId({ customId: "t1:approve:41:3" })).toBeNull();
  });

  it("never encodes an id the parser would refuse", () => {
    expect(() => encodeCustomId({ kind: "page", token: "has space" })).toThrow();
    expect(() => encodeCustomId({ kind: "page", token: "x".repeat(41) })).toThrow();
  });
});
