import { describe, expect, it } from "vitest";
import { CARD_ACTIONS, type CustomId, encodeCustomId, parseCustomId } from "../../src/discord/custom-id.ts";

describe("custom_id codec", () => {
  const samples: CustomId[] = [
    ...CARD_ACTIONS.map((action) => ({ kind: "card" as const, action, taskId: 41, version: 3 })),
    { kind: "card", action: "approve", taskId: 2_147_483_647, version: 2_147_483_647 },
    { kind: "rework_modal", taskId: 41, version: 7 },
    { kind: "create_modal" },
    { kind: "page", token: "AbC_-09xyz" },
  ];

  it.each(samples)("round-trips %o", (id) => {
    const raw = encodeCustomId(id);
    expect(raw.length).toBeLessThanOrEqual(100);
    expect(raw.startsWith("t1:")).toBe(true);
    expect(parseCustomId(raw)).toEqual(id);
  });

  it("uses the documented layout for card buttons", () => {
    expect(encodeCustomId({ kind: "card", action: "approve", taskId: 41, version: 3 })).toBe(
      "t1:approve:41:3",
    );
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
