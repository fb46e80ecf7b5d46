import type { APIButtonComponentWithCustomId, APIEmbed } from "discord.js";
import { describe, expect, it } from "vitest";
import {
  embedLength,
  fitButtonRows,
  fitChoices,
  fitContent,
  fitEmbed,
  fitEmbeds,
  fitModalTitle,
  LIMITS,
  truncate,
} from "../../src/discord/render/limits.ts";

const button = (index: number): APIButtonComponentWithCustomId => ({
  type: 2,
  style: 1,
  label: `Button ${index}`,
  custom_id: `t1:page:b${index}`,
});

describe("truncate", () => {
  it("leaves short text alone", () => {
    expect(truncate("hello", 5)).toBe("hello");
  });

  it("cuts visibly, ending with an ellipsis, within the limit", () => {
    const cut = truncate("abcdefghij", 5);
    expect(cut).toBe("abcd…");
    expect(cut.length).toBe(5);
  });

  it("never splits an emoji's surrogate pair", () => {
    const cut = truncate("ab😀cd", 4);
    expect(cut).toBe("ab…");
    expect(cut.length).toBeLessThanOrEqual(4);
  });
});

describe("message limits", () => {
  it("content ≤ 2000, modal title ≤ 45", () => {
    expect(fitContent("x".repeat(5000))).toHaveLength(2000);
    expect(fitModalTitle(`Request rework on #12 ${"y".repeat(100)}`)).toHaveLength(45);
  });

  it("embed title ≤ 256, description ≤ 4096, ≤ 25 fields of values ≤ 1024", () => {
    const embed = fitEmbed({
      title: "t".repeat(300),
      description: "d".repeat(5000),
      fields: Array.from({ length: 30 }, (_, i) => ({
        name: `f${i}`,
        value: i === 0 ? "v".repeat(2000) : "v",
      })),
    });
    expect(embed.title).toHaveLength(256);
    expect(embed.title?.endsWith("…")).toBe(true);
    expect(embed.description).toHaveLength(4096);
    expect(embed.fields).toHaveLength(25);
    expect(embed.fields![0]!.value).toHaveLength(1024);
    expect(embedLength(embed)).toBeLessThanOrEqual(6000);
  });

  it("fields too big together are cut from the last one up, within 6000", () => {
    const embed = fitEmbed({
      fields: Array.from({ length: 25 }, (_, i) => ({ name: `f${i}`, value: "v".repeat(1024) })),
    });
    expect(embedLength(embed)).toBeLessThanOrEqual(6000);
    expect(embed.fields![0]!.value).toHaveLength(1024);
    expect(embed.fields!.at(-1)!.value).toBe("…");
  });

  it("keeps all embeds of one message within 6000 characters together", () => {
    const big: APIEmbed = {
      title: "x".repeat(256),
      description: "y".repeat(4096),
      footer: { text: "z".repeat(1000) },
    };
    const fitted = fitEmbeds([big, big, big]);
    const total = fitted.reduce((sum, embed) => sum + embedLength(embed), 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(fitted[0]).toEqual(big);
    expect(fitted[1]!.title).toBe(big.title);
    expect(fitted[1]!.description).toBeUndefined();
    expect(fitted[1]!.footer!.text.endsWith("…")).toBe(true);
    expect(fitted).toHaveLength(2);
  });

  it("a long card over 6000 gives way in its description first", () => {
    const embed = fitEmbed({
      title: "t".repeat(256),
      description: "d".repeat(4096),
      fields: Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, value: "v".repeat(1000) })),
    });
    expect(embedLength(embed)).toBe(6000);
    expect(embed.fields!.every((field) => field.value.length === 1000)).toBe(true);
    expect(embed.description!.endsWith("…")).toBe(true);
  });

  it("an empty field value becomes a visible placeholder rather than a 400", () => {
    const embed = fitEmbed({ fields: [{ name: "", value: "" }] });
    expect(embed.fields![0]!.value.length).toBeGreaterThan(0);
    expect(embed.fields![0]!.name.length).toBeGreaterThan(0);
  });

  it("≤ 5 buttons per row, ≤ 5 rows, labels ≤ 80", () => {
    const rows = fitButtonRows(
      Array.from({ length: 30 }, (_, i) => ({ ...button(i), label: i === 0 ? "L".repeat(100) : `B${i}` })),
    );
    expect(rows).toHaveLength(LIMITS.actionRows);
    for (const row of rows) expect(row.components.length).toBeLessThanOrEqual(5);
    expect((rows[0]!.components[0] as { label: string }).label).toHaveLength(80);
  });

  it("refuses to send a custom_id over 100 characters instead of cutting it", () => {
    expect(() => fitButtonRows([{ ...button(1), custom_id: "x".repeat(101) }])).toThrow(/custom_id/);
  });

  it("≤ 25 autocomplete choices with names ≤ 100", () => {
    const choices = fitChoices(
      Array.from({ length: 40 }, (_, i) => ({ name: `#${i} ${"n".repeat(150)}`, value: i })),
    );
    expect(choices).toHaveLength(25);
    for (const choice of choices) expect(choice.name.length).toBeLessThanOrEqual(100);
  });
});
