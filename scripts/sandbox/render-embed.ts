import type { JsonObject } from "../../test/stand-in/index.ts";
import { inline, type RenderContext, renderText } from "./render-text.ts";
import { displayWidth, padEnd, wrapText } from "./style.ts";

interface Field {
  name: string;
  value: string;
  inline: boolean;
}

const DEFAULT_BAR = 0x4f545c;

/**
 * An embed as a box in the embed's colour: title, description, fields (inline ones side by side,
 * up to three a row, as Discord lays them out), footer.
 */
export function renderEmbed(embed: JsonObject, ctx: RenderContext): string[] {
  const { style } = ctx;
  const inner = Math.max(20, ctx.width - 4);
  const body: string[] = [];
  const title = typeof embed.title === "string" ? embed.title : undefined;
  const author = (embed.author as JsonObject | undefined)?.name;
  if (typeof author === "string") body.push(...wrapText(style.bold(inline(author, ctx)), inner));
  if (title) body.push(...wrapText(style.bold(inline(title, ctx)), inner));
  if (typeof embed.description === "string" && embed.description.trim() !== "") {
    if (body.length > 0) body.push("");
    body.push(...wrapText(renderText(embed.description, ctx), inner));
  }
  const fields = ((embed.fields ?? []) as JsonObject[]).map(
    (f): Field => ({ name: String(f.name ?? ""), value: String(f.value ?? ""), inline: f.inline === true }),
  );
  if (fields.length > 0 && body.length > 0) body.push("");
  body.push(...fieldLines(fields, inner, ctx));
  const footer = (embed.footer as JsonObject | undefined)?.text;
  if (typeof footer === "string" && footer !== "") {
    body.push("");
    body.push(...wrapText(style.dim(footer), inner));
  }
  const color = typeof embed.color === "number" ? embed.color : DEFAULT_BAR;
  const bar = (text: string) => style.rgb(color, text);
  return [
    bar(`┌${"─".repeat(inner + 2)}┐`),
    ...body.map((line) => `${bar("│")} ${padEnd(line, inner)} ${bar("│")}`),
    bar(`└${"─".repeat(inner + 2)}┘`),
  ];
}

function fieldLines(fields: Field[], inner: number, ctx: RenderContext): string[] {
  const lines: string[] = [];
  let row: Field[] = [];
  let pairs: Field[] = [];
  const flush = () => {
    if (row.length > 0) lines.push(...inlineRow(row, inner, ctx));
    if (pairs.length > 0) lines.push(...pairLines(pairs, ctx));
    row = [];
    pairs = [];
  };
  for (const field of fields) {
    if (field.inline) {
      if (pairs.length > 0) flush();
      row.push(field);
      if (row.length === 3) flush();
      continue;
    }
    if (row.length > 0) flush();
    const value = renderText(field.value, ctx);
    if (!value.includes("\n") && displayWidth(field.name) + 2 + displayWidth(value) <= inner) {
      pairs.push({ ...field, value });
      continue;
    }
    flush();
    lines.push(...wrapText(ctx.style.bold(inline(field.name, ctx)), inner));
    lines.push(...wrapText(value, inner));
  }
  flush();
  return lines;
}

/** Full-width fields with a short one-line value: `Depends on  —`, names aligned. */
function pairLines(pairs: Field[], ctx: RenderContext): string[] {
  const width = Math.max(...pairs.map((p) => displayWidth(p.name)));
  return pairs.map((p) => `${ctx.style.bold(padEnd(inline(p.name, ctx), width))}  ${p.value}`);
}

/** Up to three fields side by side: names on one line, values below, each in its column. */
function inlineRow(row: Field[], inner: number, ctx: RenderContext): string[] {
  const gap = 2;
  const column = Math.floor((inner - gap * 2) / 3);
  const cells = row.map((field) => [
    ...wrapText(ctx.style.bold(inline(field.name, ctx)), column),
    ...wrapText(renderText(field.value, ctx), column),
  ]);
  const height = Math.max(...cells.map((cell) => cell.length));
  const lines: string[] = [];
  for (let i = 0; i < height; i += 1) {
    const line = cells.map((cell) => padEnd(cell[i] ?? "", column)).join(" ".repeat(gap));
    lines.push(line.trimEnd().length > 0 ? trimTo(line, inner) : "");
  }
  return lines;
}

function trimTo(line: string, width: number): string {
  return displayWidth(line) <= width ? line : line.trimEnd();
}
