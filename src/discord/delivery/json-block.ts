import type { AgentPayload } from "./agent-payload.ts";

const OPEN = "```json\n";
const CLOSE = "\n```";
const ELLIPSIS = "…";

/**
 * The payload as a fenced ```json block of at most `maxChars` characters. Backticks inside strings
 * are written as \u0060 (same JSON value) so user text can never close the fence early. When the
 * pretty form is too long it goes compact, then the task description is shortened (marked
 * `descriptionTruncated`) until it fits.
 */
export function jsonBlock(payload: AgentPayload, maxChars: number): string {
  const pretty = fence(payload, 2);
  if (pretty.length <= maxChars) return pretty;
  const compact = fence(payload, 0);
  if (compact.length <= maxChars || !payload.task) return compact;
  const description = payload.task.description;
  let keep = Math.max(0, description.length - (compact.length - maxChars) - ELLIPSIS.length);
  for (;;) {
    const shortened = {
      ...payload,
      task: {
        ...payload.task,
        description: description.slice(0, keep) + ELLIPSIS,
        descriptionTruncated: true,
      },
    };
    const block = fence(shortened, 0);
    if (block.length <= maxChars || keep === 0) return block;
    keep = Math.max(0, keep - (block.length - maxChars));
  }
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
