import { LIMITS, truncate } from "../render/limits.ts";
import type { AgentPayload } from "./agent-payload.ts";
import { jsonBlock, jsonFile } from "./json-block.ts";

export interface AgentMessageParts {
  /** The bot's own sentence, with no user text in it: it comes before the json block. */
  lead: string;
  payload: AgentPayload;
  /** User text (a title, a reason), already escaped: it comes after the json block, or is left out. */
  detail?: string;
  /** The attachment's name when the json block does not fit, e.g. task-12.json. */
  fileName: string;
}

export interface AgentMessage {
  content: string;
  /** The json as a file, when it was too long for the message. */
  file: { name: string; data: Buffer } | null;
}

const LEAD_MAX = 900;
const FENCE = /```/g;

/**
 * Every message to an agent: lead, then the ```json block, then user text. Nothing before the block is
 * user text, so the first ```json block an agent reads is always the bot's; user text is escaped and
 * cannot open a fence of its own either. Too long for 2,000 characters: the json goes as an attached
 * file and the message says so.
 */
export function agentMessage({ lead, payload, detail, fileName }: AgentMessageParts): AgentMessage {
  const head = truncate(lead.replace(FENCE, "ˋˋˋ"), LEAD_MAX);
  const tail = detail ? `\n${detail.replace(FENCE, "ˋˋˋ")}` : "";
  const block = jsonBlock(payload, LIMITS.content - head.length - 1);
  if (block !== null) {
    const room = LIMITS.content - head.length - block.length - 1;
    return { content: `${head}\n${block}${truncate(tail, room)}`, file: null };
  }
  const note = `\nThe json is attached as ${fileName} (too long for a message).`;
  return {
    content: truncate(`${head}${note}${tail}`, LIMITS.content),
    file: { name: fileName, data: jsonFile(payload) },
  };
}
