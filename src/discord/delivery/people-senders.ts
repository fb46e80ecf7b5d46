import type { ClaimedRow } from "../../services/contracts.ts";
import { escapeText, oneLine, titleText } from "../render/format.ts";
import { LIMITS, truncate } from "../render/limits.ts";
import type { SendResult } from "./outbox-dispatcher.ts";
import { type DiscordSenderDeps, loadTask, post, quote, readyClient } from "./sender-kit.ts";
import { sendToTaskPlace } from "./task-thread.ts";

/** The messages for people only: comments, questions, review requests, creator notices. */

/** A comment made outside the task's thread, shown in it; the author is named, nobody is pinged. */
export async function sendComment(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
  readyClient(deps);
  const view = await loadTask(deps, row);
  if (!view) return { messageId: null, note: "task no longer exists" };
  const head = `<@${String(row.payload.authorId)}> commented on **#${view.number}**:`;
  const body = truncate(quote(String(row.payload.text ?? "")), LIMITS.content - head.length - 1);
  return sendToTaskPlace(deps, view, (channelId) =>
    post(
      deps,
      channelId,
      row.nonce,
      { content: `${head}\n${body}`, file: null },
      { allowed_mentions: { parse: [] } },
    ),
  );
}

/** The assignee's question, pinging the task's creator only. */
export async function sendQuestion(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
  readyClient(deps);
  const view = await loadTask(deps, row);
  if (!view) return { messageId: null, note: "task no longer exists" };
  const askerId = String(row.payload.askerId);
  const head = `<@${view.createdBy}> <@${askerId}> asks about **#${view.number}** · ${titleText(truncate(view.title, 200))}:`;
  const tail = `Answer with \`/task answer task:${view.number} text:…\`.`;
  const body = truncate(
    quote(String(row.payload.question ?? "")),
    Math.max(60, LIMITS.content - head.length - tail.length - 2),
  );
  const content = { content: `${head}\n${body}\n${tail}`, file: null };
  return sendToTaskPlace(deps, view, (channelId) =>
    post(deps, channelId, row.nonce, content, { allowed_mentions: { parse: [], users: [view.createdBy] } }),
  );
}

/** "#12 is ready for review by @Reviewer": the role is pinged only where notify-reviewers is `ping`. */
export async function sendReviewRequest(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
  readyClient(deps);
  const view = await loadTask(deps, row);
  if (!view) return { messageId: null, note: "task no longer exists" };
  if (view.status !== "in_review") return { messageId: null, note: `superseded: the task is ${view.status}` };
  const settings = await deps.settings.get(view.guildId, view.channelId);
  if (settings.notifyReviewers === "off") return { messageId: null, note: "notify-reviewers is off" };
  const role = settings.reviewerRoleId;
  const who = role ? `<@&${role}>` : "a reviewer (Manage Channels)";
  const by = view.submission ? ` · submitted by <@${view.submission.assigneeId}>` : "";
  const summary = view.submission?.summary
    ? `\n> ${escapeText(truncate(oneLine(view.submission.summary), 300))}`
    : "";
  const content =
    truncate(`**#${view.number}** · ${titleText(view.title)} is ready for review by ${who}${by}.`, 1500) +
    summary;
  const ping = settings.notifyReviewers === "ping" && role !== null;
  return sendToTaskPlace(deps, view, (channelId) =>
    post(
      deps,
      channelId,
      row.nonce,
      { content, file: null },
      { allowed_mentions: ping ? { parse: [], roles: [role] } : { parse: [] } },
    ),
  );
}

/** The creator hears that their task is done or failed; pinged only where notify-creator is `ping`. */
export async function sendCreatorNotice(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
  readyClient(deps);
  const view = await loadTask(deps, row);
  if (!view) return { messageId: null, note: "task no longer exists" };
  const outcome = row.payload.outcome === "failed" ? "failed" : "done";
  if (view.status !== outcome) return { messageId: null, note: `superseded: the task is ${view.status}` };
  const settings = await deps.settings.get(view.guildId, view.channelId);
  if (settings.notifyCreator === "off") return { messageId: null, note: "notify-creator is off" };
  const actorId = String(row.payload.actorId ?? "");
  const how =
    outcome === "done"
      ? `is done${view.assigneeId === actorId || !actorId ? "" : ` (approved by <@${actorId}>)`}.`
      : `failed after ${view.attempts} attempts; a reviewer can reopen it.`;
  const content = truncate(
    `<@${view.createdBy}> your task **#${view.number}** · ${titleText(view.title)} ${how}`,
    1900,
  );
  const ping = settings.notifyCreator === "ping";
  return sendToTaskPlace(deps, view, (channelId) =>
    post(
      deps,
      channelId,
      row.nonce,
      { content, file: null },
      { allowed_mentions: ping ? { parse: [], users: [view.createdBy] } : { parse: [] } },
    ),
  );
}
