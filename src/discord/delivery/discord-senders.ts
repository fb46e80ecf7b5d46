import { type APIMessage, type Client, type REST, Routes } from "discord.js";
import { isTerminal } from "../../domain/task-states.ts";
import type { Logger } from "../../log.ts";
import type { CardService, ClaimedRow, DeliveryService, OutboxMessage } from "../../services/services.ts";
import type { SettingsService, TaskView } from "../../services/types.ts";
import { type CardDeps, renderCardFor } from "../cards/card-deps.ts";
import { NEW_CARD_REPLY_GRACE_MS, refresh } from "../cards/refresh.ts";
import { LIMITS, truncate } from "../render/limits.ts";
import {
  type AnnouncementPayload,
  assignmentPayload,
  PAYLOAD_VERSION,
  taskPayload,
} from "./agent-payload.ts";
import { NotReadyError } from "./delivery-failure.ts";
import { jsonBlock } from "./json-block.ts";
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
    if (outcome === "pending") {
      // Within a new task's reply grace, come back when it ends rather than sooner (waits back off).
      const graceLeftMs = NEW_CARD_REPLY_GRACE_MS - (Date.now() - Date.parse(shown.createdAt));
      throw new NotReadyError("another poster is posting this card", Math.max(250, graceLeftMs + 50));
    }
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
  const line = truncate(
    `<@${assigneeId}> you are assigned **#${view.number}** · ${view.title} (attempt ${attempt} of ${settings.maxAttempts}).`,
    400,
  );
  const content = `${line}\n${jsonBlock(payload, LIMITS.content - line.length - 1)}`;
  return post(deps, view.channelId, row.nonce, {
    content,
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
  const text = truncate(String(row.payload.text ?? ""), 600);
  const payload: AnnouncementPayload = {
    tasklane: PAYLOAD_VERSION,
    type: "announcement",
    guild: view.guildId,
    channel: view.channelId,
    kind,
    message: text,
    task: taskPayload(view, settings),
  };
  const content = `${text}\n${jsonBlock(payload, LIMITS.content - text.length - 1)}`;
  return post(deps, view.channelId, row.nonce, { content, allowed_mentions: { parse: [] } });
}

/** Creates carry the row's nonce with enforce_nonce: a retry of a create Discord already made returns it. */
async function post(
  deps: DiscordSenderDeps,
  channelId: string,
  nonce: string,
  body: Record<string, unknown>,
): Promise<SendResult> {
  const message = (await deps.rest().post(Routes.channelMessages(channelId), {
    body: { ...body, nonce, enforce_nonce: true },
  })) as APIMessage;
  return { messageId: message.id };
}
