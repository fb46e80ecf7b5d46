import { type APIEmbed, type APIMessage, type Client, type REST, Routes } from "discord.js";
import { isTerminal } from "../../domain/task-states.ts";
import type { Logger } from "../../log.ts";
import type { CardService, ClaimedRow, DeliveryService, OutboxMessage } from "../../services/services.ts";
import type { SettingsService, TaskView } from "../../services/types.ts";
import { type CardDeps, renderCardFor } from "../cards/card-deps.ts";
import { refresh } from "../cards/refresh.ts";
import { discordTime, escapeText, oneLine, titleText } from "../render/format.ts";
import { fitContent, fitEmbeds, truncate } from "../render/limits.ts";
import { type AgentMessage, agentMessage } from "./agent-message.ts";
import {
  type AnnouncementPayload,
  assignmentPayload,
  PAYLOAD_VERSION,
  taskPayload,
} from "./agent-payload.ts";
import { NotReadyError } from "./delivery-failure.ts";
import type { OutboxSender, SendResult } from "./outbox-dispatcher.ts";

export interface DiscordSenderDeps {
  client: Client;
  /** The REST the sends go through (see delivery-rest.ts: no retries of its own). */
  rest: () => REST;
  delivery: DeliveryService;
  cards: CardService;
  settings: SettingsService;
  log: Logger;
}

/** One sender for each kind the task engine writes (OutboxMessage, src/store/outbox.ts): a new kind needs one. */
export function createDiscordSenders(deps: DiscordSenderDeps): Record<OutboxMessage["kind"], OutboxSender> {
  return {
    card: (row) => sendCard(deps, row),
    assignment: (row) => sendAssignment(deps, row),
    announcement: (row) => sendAnnouncement(deps, row),
  };
}

/** Read from Postgres, never the view cache: a row is only visible after its change commits. */
async function loadTask(deps: DiscordSenderDeps, row: ClaimedRow): Promise<TaskView | null> {
  const taskId = Number(row.payload.taskId ?? row.taskId);
  return deps.delivery.committedTask(taskId);
}

function cardDepsOf(deps: DiscordSenderDeps, client: Client<true>): CardDeps {
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
    const { outcome, messageId } = await refresh(cardDepsOf(deps, client), shown);
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
  const settings = await deps.settings.get(view.guildId, view.channelId);
  const card = await renderCardFor(cardDepsOf(deps, client), view, { withButtons: false });
  const payload = assignmentPayload({ task: view, settings, assigneeId, attempt, botUserId: client.user.id });
  const message = agentMessage({
    lead: `<@${assigneeId}> you are assigned **#${view.number}** (attempt ${attempt} of ${settings.maxAttempts}).`,
    payload,
    detail: `**#${view.number}** · ${titleText(view.title)}`,
    fileName: `task-${view.number}.json`,
  });
  return post(deps, view.channelId, row.nonce, message, {
    embeds: card.embeds,
    // The one message that pings: its assignee, nobody else, whatever the title says.
    allowed_mentions: { parse: [], users: [assigneeId] },
  });
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
  const message = agentMessage({
    ...announcementLines(view.number, row.payload),
    payload,
    fileName: `task-${view.number}.json`,
  });
  return post(deps, view.channelId, row.nonce, message, { allowed_mentions: { parse: [] } });
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
