import { isTerminal } from "../../domain/task-states.ts";
import type { ClaimedRow } from "../../services/contracts.ts";
import { renderCardFor } from "../cards/card-deps.ts";
import { discordTime, escapeText, oneLine, titleText } from "../render/format.ts";
import { truncate } from "../render/limits.ts";
import {
  type AnnouncementPayload,
  type AnswerPayload,
  assignmentPayload,
  PAYLOAD_VERSION,
  type ReminderPayload,
  replyHelp,
  reworkPayload,
  taskPayload,
} from "./agent-payload.ts";
import type { SendResult } from "./outbox-dispatcher.ts";
import {
  type DiscordSenderDeps,
  holdWhilePaused,
  loadTask,
  postForTask,
  quote,
  readyClient,
  senderCardDeps,
} from "./sender-kit.ts";
import { openThread } from "./task-thread.ts";

/** The messages that carry a json block for agents: assignment, rework, answer, reminder, announcement. */

/**
 * "#12 is due <t:…:f>": pings the assignee only; without one, names the creator without a ping. Not
 * sent for a task closed, or given another due date, since the reminder was queued.
 */
export async function sendReminder(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
  const client = readyClient(deps);
  const view = await loadTask(deps, row);
  if (!view) return { messageId: null, note: "task no longer exists" };
  if (isTerminal(view.status)) return { messageId: null, note: `superseded: the task is ${view.status}` };
  const dueAt = String(row.payload.dueAt ?? "");
  if (view.dueAt !== dueAt) return { messageId: null, note: "superseded: the due date changed" };
  if (view.assigneeId) await holdWhilePaused(deps, view.guildId, view.assigneeId);
  const settings = await deps.settings.get(view.guildId, view.channelId);
  const offsetMinutes = Number(row.payload.offsetMinutes ?? 0);
  const kind = offsetMinutes > 0 ? "before" : offsetMinutes === 0 ? "due" : "overdue";
  const payload: ReminderPayload = {
    tasklane: PAYLOAD_VERSION,
    type: "reminder",
    guild: view.guildId,
    channel: view.channelId,
    kind,
    offsetMinutes,
    due: dueAt,
    assignee: view.assigneeId,
    task: taskPayload(view, settings),
    reply: replyHelp(client.user.id, view.number),
  };
  const when =
    kind === "before"
      ? `is due ${discordTime(dueAt)} (${discordTime(dueAt, "R")})`
      : kind === "due"
        ? `is due now (${discordTime(dueAt)})`
        : `is overdue: it was due ${discordTime(dueAt)} (${discordTime(dueAt, "R")})`;
  const who = view.assigneeId ? `<@${view.assigneeId}>` : `Created by <@${view.createdBy}>, unassigned:`;
  return postForTask(
    deps,
    view,
    row.nonce,
    {
      lead: `${who} reminder: **#${view.number}** ${when}.`,
      payload,
      detail: `**#${view.number}** · ${titleText(truncate(view.title, 200))}`,
    },
    view.assigneeId ? { pinged: view.assigneeId } : {},
  );
}

/** The answer, pinging the assignee only, with a json block of type `answer`. */
export async function sendAnswer(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
  const client = readyClient(deps);
  const view = await loadTask(deps, row);
  if (!view) return { messageId: null, note: "task no longer exists" };
  const assigneeId = String(row.payload.assigneeId);
  if (view.assigneeId !== assigneeId)
    return { messageId: null, note: "superseded: the task has another assignee" };
  await holdWhilePaused(deps, view.guildId, assigneeId);
  const settings = await deps.settings.get(view.guildId, view.channelId);
  const answeredBy = String(row.payload.answererId);
  const answer = String(row.payload.answer ?? "");
  const payload: AnswerPayload = {
    tasklane: PAYLOAD_VERSION,
    type: "answer",
    guild: view.guildId,
    channel: view.channelId,
    assignee: assigneeId,
    answeredBy,
    question: String(row.payload.question ?? ""),
    answer,
    leaseExpiresAt: view.leaseExpiresAt,
    task: taskPayload(view, settings),
    reply: replyHelp(client.user.id, view.number),
  };
  // The json block first; the title and the answer (user text, escaped) after it.
  return postForTask(
    deps,
    view,
    row.nonce,
    {
      lead: `<@${assigneeId}> <@${answeredBy}> answered your question on **#${view.number}**:`,
      payload,
      detail: `**#${view.number}** · ${titleText(truncate(view.title, 200))}\n${quote(answer)}`,
    },
    { pinged: assigneeId },
  );
}

export async function sendAssignment(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
  const client = readyClient(deps);
  const assigneeId = String(row.payload.assigneeId);
  const attempt = Number(row.payload.attempt ?? 1);
  const view = await loadTask(deps, row);
  if (!view) return { messageId: null, note: "task no longer exists" };
  if (view.assigneeId !== assigneeId)
    return { messageId: null, note: "superseded: the task has another assignee" };
  if (isTerminal(view.status)) return { messageId: null, note: `superseded: the task is ${view.status}` };
  await holdWhilePaused(deps, view.guildId, assigneeId);
  const settings = await deps.settings.get(view.guildId, view.channelId);
  const card = await renderCardFor(senderCardDeps(deps, client), view, { withButtons: false });
  // Where the conversation will be: the agent can talk in the thread without the task's number.
  const threadId = await openThread(deps, view);
  const payload = {
    ...assignmentPayload({ task: view, settings, assigneeId, attempt, botUserId: client.user.id }),
    ...(threadId ? { thread: threadId } : {}),
  };
  return postForTask(
    deps,
    view,
    row.nonce,
    {
      lead: `<@${assigneeId}> you are assigned **#${view.number}** (attempt ${attempt} of ${settings.maxAttempts}).`,
      payload,
      detail: `**#${view.number}** · ${titleText(view.title)}`,
    },
    {
      pinged: assigneeId,
      body: { embeds: card.embeds },
      // Assignments are the channel's: the lane shows who took what, threads or not.
      inThread: false,
    },
  );
}

/** Tells the assignee why their submission came back; pings the assignee only (never the reviewer). */
export async function sendRework(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
  const client = readyClient(deps);
  const assigneeId = String(row.payload.assigneeId);
  const reviewerId = String(row.payload.reviewerId);
  const reason = String(row.payload.reason ?? "");
  const rework = Number(row.payload.rework ?? 1);
  const attempt = Number(row.payload.attempt ?? 1);
  const view = await loadTask(deps, row);
  if (!view) return { messageId: null, note: "task no longer exists" };
  if (view.assigneeId !== assigneeId)
    return { messageId: null, note: "superseded: the task has another assignee" };
  if (isTerminal(view.status)) return { messageId: null, note: `superseded: the task is ${view.status}` };
  const agent = await holdWhilePaused(deps, view.guildId, assigneeId);
  const settings = await deps.settings.get(view.guildId, view.channelId);
  // An agent's lease runs from this message, not from the click that wrote it (it may wait in the outbox).
  const leaseExpiresAt = agent
    ? await deps.delivery.startLease(view, assigneeId, settings.leaseMinutes)
    : view.leaseExpiresAt;
  const payload = reworkPayload({
    task: { ...view, leaseExpiresAt },
    settings,
    assigneeId,
    reviewerId,
    reason,
    rework,
    attempt,
    botUserId: client.user.id,
  });
  // The title is escaped (agentMessage neutralises fences in the lead too); the block carries the
  // whole reason, and the quote for people after it gets what room is left.
  return postForTask(
    deps,
    view,
    row.nonce,
    {
      lead: `<@${assigneeId}> **#${view.number}** · ${titleText(truncate(view.title, 200))} needs rework (rework ${rework}, attempt ${attempt}), from <@${reviewerId}>:`,
      payload,
      detail: quote(reason),
    },
    { pinged: assigneeId },
  );
}

export async function sendAnnouncement(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
  readyClient(deps);
  const view = await loadTask(deps, row);
  if (!view) return { messageId: null, note: "task no longer exists" };
  const settings = await deps.settings.get(view.guildId, view.channelId);
  const kind = row.payload.kind === "dead_letter" ? "dead_letter" : "retry";
  const text = String(row.payload.text ?? "");
  const payload: AnnouncementPayload = {
    tasklane: PAYLOAD_VERSION,
    type: "announcement",
    guild: view.guildId,
    channel: view.channelId,
    kind,
    message: text,
    task: taskPayload(view, settings),
  };
  return postForTask(deps, view, row.nonce, {
    ...announcementLines(view.number, row.payload),
    payload,
  });
}

/** The bot's sentence first; the reason, user text, after the json block. */
function announcementLines(number: number, row: Record<string, unknown>): { lead: string; detail?: string } {
  // A row written before announcements carried their parts: its sentence mixes ours and the reason.
  if (typeof row.attempt !== "number")
    return { lead: `**#${number}**: an attempt failed.`, detail: escapeText(String(row.text ?? "")) };
  const reason = typeof row.reason === "string" && row.reason.trim() ? row.reason : null;
  const detail = reason ? `Reason: ${escapeText(truncate(oneLine(reason), 600))}` : undefined;
  const of = `${row.attempt} of ${row.maxAttempts}`;
  const lead =
    typeof row.retryAt === "string"
      ? `Attempt ${of} on **#${number}** failed. Retrying ${discordTime(row.retryAt, "R")}.`
      : `**#${number}** failed ${of} attempts. It is now in the dead-letter state; a reviewer can reopen it.`;
  return detail ? { lead, detail } : { lead };
}
