import type { AgentPayload } from "./agent-payload.ts";

const OPEN = "```json\n";
const CLOSE = "\n```";

/**
 * The payload as a fenced ```json block of at most `maxChars` characters, pretty when that fits, else
 * compact; null when even the compact form is too long (the caller attaches it as a file instead).
 * Backticks inside strings are written as \u0060 (same JSON value) so user text can never close the
 * fence early.
 */
export function jsonBlock(payload: AgentPayload, maxChars: number): string | null {
  const pretty = fence(payload, 2);
  if (pretty.length <= maxChars) return pretty;
  const compact = fence(payload, 0);
  return compact.length <= maxChars ? compact : null;
}

/** The payload as the file attached when it does not fit in the message. */
export function jsonFile(payload: AgentPayload): Buffer {
  return Buffer.from(`${JSON.stringify(payload, null, 2)}\n`, "utf8");
}

function fence(payload: AgentPayload, indent: number): string {
  return OPEN + JSON.stringify(payload, null, indent).replaceAll("`", "\\u0060") + CLOSE;
}

/** Reads the first ```json block of a message back (what an agent does). */
export function readJsonBlock(content: string): unknown {
  const match = /```json\n([\s\S]*?)\n```/.exec(content);
  if (!match) throw new Error("no ```json block in the message");
  return JSON.parse(match[1]!);
}
