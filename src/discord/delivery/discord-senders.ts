import { type APIEmbed, type APIMessage, type Client, type REST, Routes } from "discord.js";
import { isTerminal } from "../../domain/task-states.ts";
import type { TaskView } from "../../domain/task-view.ts";
import type { Logger } from "../../log.ts";
import type {
  AgentService,
  CardService,
  ClaimedRow,
  DeliveryService,
  OutboxMessage,
  SettingsService,
} from "../../services/contracts.ts";
import type { AgentView } from "../../services/views.ts";
import { type CardDeps, renderCardFor } from "../cards/card-deps.ts";
import { refresh } from "../cards/refresh.ts";
import { discordTime, escapeText, oneLine, titleText } from "../render/format.ts";
import { fitContent, fitEmbeds, LIMITS, truncate } from "../render/limits.ts";
import { type AgentMessage, agentMessage } from "./agent-message.ts";
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
import { NotReadyError } from "./delivery-failure.ts";
import type { OutboxSender, SendResult } from "./outbox-dispatcher.ts";
import { openThread, renameThread, sendToTaskPlace } from "./task-thread.ts";

export interface DiscordSenderDeps {
  client: Client;
  /** The REST the sends go through (see delivery-rest.ts: no retries of its own). */
  rest: () => REST;
  delivery: DeliveryService;
  cards: CardService;
  settings: SettingsService;
  agents: Pick<AgentService, "get">;
  log: Logger;
}

/** How long a message to a paused agent waits before it is tried again (not counted as a failure). */
const PAUSED_RETRY_MS = 15_000;

/** A paused agent's messages wait for `/tasklane agent resume`. Returns the agent; null for a person. */
async function holdWhilePaused(
  deps: DiscordSenderDeps,
  guildId: string,
  userId: string,
): Promise<AgentView | null> {
  const agent = await deps.agents.get(guildId, userId);
  if (agent?.paused) throw new NotReadyError(`agent ${userId} is paused`, PAUSED_RETRY_MS);
  return agent;
}

/** One sender for each kind the task engine writes (OutboxMessage, src/store/outbox.ts): a new kind needs one. */
export function createDiscordSenders(deps: DiscordSenderDeps): Record<OutboxMessage["kind"], OutboxSender> {
  return {
    card: (row) => sendCard(deps, row),
    assignment: (row) => sendAssignment(deps, row),
    announcement: (row) => sendAnnouncement(deps, row),
    rework: (row) => sendRework(deps, row),
    review_request: (row) => sendReviewRequest(deps, row),
    creator_notice: (row) => sendCreatorNotice(deps, row),
    question: (row) => sendQuestion(deps, row),
    answer: (row) => sendAnswer(deps, row),
    reminder: (row) => sendReminder(deps, row),
    thread: (row) => sendThread(deps, row),
    comment: (row) => sendComment(deps, row),
    thread_name: async (row) => {
      readyClient(deps);
      const view = await loadTask(deps, row);
      return view ? renameThread(deps, view) : { messageId: null, note: "task no longer exists" };
    },
  };
}

/**
 * "#12 is due <t:…:f>": pings the assignee only; without one, names the creator without a ping. Not
 * sent for a task closed, or given another due date, since the reminder was queued.
 */
async function sendReminder(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
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

/** Opens the thread on a new task's card (channels with threads on); waits for the card to be posted. */
async function sendThread(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
  readyClient(deps);
  const view = await loadTask(deps, row);
  if (!view) return { messageId: null, note: "task no longer exists" };
  const threadId = await openThread(deps, view);
  return threadId ? { messageId: threadId } : { messageId: null, note: "the task has no thread" };
}

/** A comment made outside the task's thread, shown in it; the author is named, nobody is pinged. */
async function sendComment(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
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

/** User text quoted for people: escaped first, so its lines cannot be markup of their own. */
const quote = (text: string) =>
  escapeText(text)
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");

/** The assignee's question, pinging the task's creator only. */
async function sendQuestion(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
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

/** The answer, pinging the assignee only, with a json block of type `answer`. */
async function sendAnswer(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
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

/** "#12 is ready for review by @Reviewer": the role is pinged only where notify-reviewers is `ping`. */
async function sendReviewRequest(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
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
async function sendCreatorNotice(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
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

/** Read from Postgres, never the view cache: a row is only visible after its change commits. */
async function loadTask(deps: DiscordSenderDeps, row: ClaimedRow): Promise<TaskView | null> {
  const taskId = Number(row.payload.taskId ?? row.taskId);
  return deps.delivery.committedTask(taskId);
}

function senderCardDeps(deps: DiscordSenderDeps, client: Client<true>): CardDeps {
  return { client, rest: deps.rest(), cards: deps.cards, settings: deps.settings, log: deps.log };
}

function readyClient(deps: DiscordSenderDeps): Client<true> {
  if (!deps.client.isReady()) throw new NotReadyError("the Discord client is not ready yet");
  return deps.client;
}

async function sendCard(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
  const client = readyClient(deps);
  const view = await loadTask(deps, row);
  if (!view) return { messageId: null, note: "task no longer exists" };
  // Another edit may land after ours (a click's, another instance's): then the newest view is shown again,
  // whatever became of this row meanwhile (a click may have settled it).
  for (let shown: TaskView | null = view, attempt = 0; shown && attempt < 3; attempt += 1) {
    const { outcome, messageId } = await refresh(senderCardDeps(deps, client), shown);
    // The creating interaction is still posting this card (it records it within moments), or died
    // doing so: come back soon; waits back off and the grace ends in a takeover.
    if (outcome === "pending") throw new NotReadyError("another poster is posting this card", 250);
    if (outcome === "gone") return { messageId: null, note: "the channel no longer exists" };
    if (outcome !== "superseded")
      return { messageId, note: outcome === "current" ? "card already current" : undefined };
    shown = await loadTask(deps, row);
  }
  throw new NotReadyError("newer edits kept racing this card's", 250);
}

async function sendAssignment(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
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
async function sendRework(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
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

async function sendAnnouncement(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
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

/**
 * A message about one task, its json block attached as `task-N.json` when it does not fit. It pings
 * `pinged` (the assignee being told) and nobody else, whatever the user text says. It goes to the
 * task's thread when it has one (unless `inThread` is false), else to its channel.
 */
function postForTask(
  deps: DiscordSenderDeps,
  view: TaskView,
  nonce: string,
  parts: Omit<Parameters<typeof agentMessage>[0], "fileName">,
  {
    pinged,
    body = {},
    inThread = true,
  }: { pinged?: string; body?: Record<string, unknown>; inThread?: boolean } = {},
): Promise<SendResult> {
  const message = agentMessage({ ...parts, fileName: `task-${view.number}.json` });
  const send = (channelId: string) =>
    post(deps, channelId, nonce, message, {
      ...body,
      allowed_mentions: { parse: [], ...(pinged ? { users: [pinged] } : {}) },
    });
  return inThread ? sendToTaskPlace(deps, view, send) : send(view.channelId);
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

/** Creates carry the row's nonce with enforce_nonce: a retry of a create Discord already made returns it. */
async function post(
  deps: DiscordSenderDeps,
  channelId: string,
  nonce: string,
  { content, file }: AgentMessage,
  body: Record<string, unknown>,
): Promise<SendResult> {
  const attachment = file ? { attachments: [{ id: 0, filename: file.name }] } : {};
  const embeds = Array.isArray(body.embeds) ? { embeds: fitEmbeds(body.embeds as APIEmbed[]) } : {};
  const message = (await deps.rest().post(Routes.channelMessages(channelId), {
    body: { ...body, content: fitContent(content), ...embeds, ...attachment, nonce, enforce_nonce: true },
    ...(file ? { files: [{ name: file.name, data: file.data, contentType: "application/json" }] } : {}),
  })) as APIMessage;
  return { messageId: message.id };
}
