import type { APIEmbed, APIMessage, Client, REST } from "discord.js";
import { Routes } from "discord.js";
import type { TaskView } from "../../domain/task-view.ts";
import type { Logger } from "../../log.ts";
import type {
  AgentService,
  CardService,
  ClaimedRow,
  DeliveryService,
  SettingsService,
} from "../../services/contracts.ts";
import type { AgentView } from "../../services/views.ts";
import type { CardDeps } from "../cards/card-deps.ts";
import { escapeText } from "../render/format.ts";
import { fitContent, fitEmbeds } from "../render/limits.ts";
import { type AgentMessage, agentMessage } from "./agent-message.ts";
import { NotReadyError } from "./delivery-failure.ts";
import type { SendResult } from "./outbox-dispatcher.ts";
import { sendToTaskPlace } from "./task-thread.ts";

/** What every sender of the outbox's messages needs, and what they share. */
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
export async function holdWhilePaused(
  deps: DiscordSenderDeps,
  guildId: string,
  userId: string,
): Promise<AgentView | null> {
  const agent = await deps.agents.get(guildId, userId);
  if (agent?.paused) throw new NotReadyError(`agent ${userId} is paused`, PAUSED_RETRY_MS);
  return agent;
}

/** User text quoted for people: escaped first, so its lines cannot be markup of their own. */
export const quote = (text: string) =>
  escapeText(text)
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");

/** Read from Postgres, never the view cache: a row is only visible after its change commits. */
export async function loadTask(deps: DiscordSenderDeps, row: ClaimedRow): Promise<TaskView | null> {
  const taskId = Number(row.payload.taskId ?? row.taskId);
  return deps.delivery.committedTask(taskId);
}

export function senderCardDeps(deps: DiscordSenderDeps, client: Client<true>): CardDeps {
  return { client, rest: deps.rest(), cards: deps.cards, settings: deps.settings, log: deps.log };
}

export function readyClient(deps: DiscordSenderDeps): Client<true> {
  if (!deps.client.isReady()) throw new NotReadyError("the Discord client is not ready yet");
  return deps.client;
}

/**
 * A message about one task, its json block attached as `task-N.json` when it does not fit. It pings
 * `pinged` (the assignee being told) and nobody else, whatever the user text says. It goes to the
 * task's thread when it has one (unless `inThread` is false), else to its channel.
 */
export function postForTask(
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

/** Creates carry the row's nonce with enforce_nonce: a retry of a create Discord already made returns it. */
export async function post(
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
