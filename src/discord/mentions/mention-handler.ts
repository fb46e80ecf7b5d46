import { randomBytes } from "node:crypto";
import { type Client, Events, type Message, RESTJSONErrorCodes, Routes } from "discord.js";
import { createLocalTokenBucket, type RateLimitOptions } from "../../cache/token-bucket.ts";
import { RateLimitedError, UserError } from "../../domain/errors.ts";
import { databaseFaultOf } from "../../services/database-faults.ts";
import type { ActionContext, Actor, TaskView } from "../../services/types.ts";
import { actorOfMessage } from "../actor.ts";
import { isDiscordError } from "../cards/card-deps.ts";
import { agentMessage } from "../delivery/agent-message.ts";
import { PAYLOAD_VERSION, type ReplyPayload, taskPayload } from "../delivery/agent-payload.ts";
import type { DiscordDeps, MentionVerbs } from "../handler-types.ts";
import { createInFlight } from "../in-flight.ts";
import { refusalText, titleText } from "../render/format.ts";
import { type MentionCommand, mentionUsage, parseMentionCommand, stripBotMention } from "./parse-mention.ts";
import { type MentionPlace, placeOfMention } from "./thread-place.ts";

export interface MentionHandler {
  handle(message: Message): Promise<void>;
  /** Waits (bounded) for commands in flight; new mentions are ignored from now on. */
  drain(timeoutMs?: number): Promise<void>;
}

interface Answer {
  command: MentionCommand["name"] | null;
  ok: boolean;
  message: string;
  task: TaskView | null;
  error?: { code: string; ref?: string };
  usage?: boolean;
}

/**
 * Agents (and people) speak to Tasklane by mentioning it: `@Tasklane start 12`. Only messages in a
 * server that mention the bot itself are read (no privileged intent needed); every one gets a reply,
 * with a human line and the agent json block, never silence.
 */
export function createMentionHandler(
  deps: DiscordDeps & { client: Client; verbs: MentionVerbs; agentBudget?: RateLimitOptions },
): MentionHandler {
  const { client, log, services, cache, verbs } = deps;
  const inFlight = createInFlight();
  // Per instance: each mention is handled by the one instance that claimed it.
  const budget = createLocalTokenBucket(deps.agentBudget ?? { capacity: 30, windowSeconds: 60 });
  /** Bots already told they are out of budget (or paused), until when: they hear it once. */
  const told = new Map<string, number>();

  /**
   * Loop safety for bot accounts: a paused agent is refused, and past its command budget a bot gets
   * one refusal and then silence until the budget refills — two bots can never keep each other talking.
   */
  async function checkBot(message: Message<true>, actor: Actor): Promise<Answer | "quiet" | null> {
    if (!actor.isBot) return null;
    const key = `${message.guildId}:${actor.userId}`;
    const now = Date.now();
    const agent = await services.agents.get(message.guildId, actor.userId);
    if (agent?.paused) {
      if ((told.get(`paused:${key}`) ?? 0) > now) return "quiet";
      told.set(`paused:${key}`, now + 60_000);
      return refusal(
        "paused",
        "You are paused in this server: I take no commands from you until an admin runs `/tasklane agent resume`.",
      );
    }
    told.delete(`paused:${key}`);
    if ((told.get(key) ?? 0) > now) return "quiet";
    told.delete(key);
    const decision = budget.take(key);
    if (decision.allowed) return null;
    told.set(key, now + decision.retryAfterMs);
    const back = Math.ceil((now + decision.retryAfterMs) / 1000);
    return refusal(
      "budget",
      `You have used your command budget (${deps.agentBudget?.capacity ?? 30} a minute). I will not answer you again until <t:${back}:R>.`,
    );
  }

  const refusal = (code: string, message: string): Answer => ({
    command: null,
    ok: false,
    message,
    task: null,
    error: { code },
  });

  /** In a task's thread, the task's channel and the thread's task; a lookup that fails acts where it was said. */
  async function placeOf(message: Message<true>, actor: Actor): Promise<MentionPlace> {
    try {
      return await placeOfMention(services.cards, message, actor);
    } catch (error) {
      log.warn(
        { err: error, messageId: message.id },
        "could not tell whether a mention is in a task's thread",
      );
      return { channelId: message.channelId, actor };
    }
  }

  async function answer(message: Message<true>, text: string, actor: Actor): Promise<Answer> {
    const place = await placeOf(message, actor);
    const parsed = parseMentionCommand(text, place.threadTask);
    if (!parsed.ok) {
      return {
        command: null,
        ok: false,
        message: refusalText(parsed.problem),
        task: null,
        error: { code: "usage" },
        usage: true,
      };
    }
    const { command } = parsed;
    if (command.name === "help")
      return { command: "help", ok: true, message: "Here is what I understand.", task: null, usage: true };
    const ctx: ActionContext = {
      guildId: message.guildId,
      channelId: place.channelId,
      actor: place.actor,
      source: "mention",
    };
    try {
      const limiter = verbs.isWrite(command) ? cache.rateLimiter : cache.readRateLimiter;
      const decision = await limiter.take(`${ctx.guildId}:${actor.userId}`);
      if (!decision.allowed) throw new RateLimitedError(decision.retryAfterMs);
      const outcome = await verbs.run(services.tasks, ctx, command);
      return { command: command.name, ok: true, ...outcome };
    } catch (thrown) {
      const error = databaseFaultOf(thrown) ?? thrown;
      if (error instanceof UserError) {
        return {
          command: command.name,
          ok: false,
          message: refusalText(error.message),
          task: null,
          error: { code: error.code },
        };
      }
      const ref = randomBytes(4).toString("hex").toUpperCase();
      log.error({ ref, err: error, messageId: message.id, command: command.name }, "mention command failed");
      return {
        command: command.name,
        ok: false,
        message: `Sorry, something went wrong on our side (ref ${ref}).`,
        task: null,
        error: { code: "internal", ref },
      };
    }
  }

  async function replyWith(message: Message<true>, result: Answer, botMention: string): Promise<void> {
    const settings = result.task
      ? await services.settings.get(result.task.guildId, result.task.channelId)
      : null;
    const payload: ReplyPayload = {
      tasklane: PAYLOAD_VERSION,
      type: "reply",
      guild: message.guildId,
      channel: message.channelId,
      command: result.command,
      ok: result.ok,
      message: result.message,
      task: result.task && settings ? taskPayload(result.task, settings) : null,
      ...(result.error ? { error: result.error } : {}),
    };
    const usage = result.usage ? `\n${mentionUsage(botMention)}` : "";
    const task = result.task;
    const compose = (lead: string) =>
      agentMessage({
        lead,
        payload,
        ...(task ? { detail: `**#${task.number}** · ${titleText(task.title)}` } : {}),
        fileName: task ? `task-${task.number}.json` : "tasklane.json",
      });
    const threadId = task ? await threadToAnswerIn(message, task) : null;
    if (task && threadId) {
      // Named, not pinged: the thread's readers see whose command this answers.
      const { content, file } = compose(`<@${message.author.id}> ${result.message}${usage}`);
      if (await answerInThread(task, threadId, content, file)) return;
    }
    const { content, file } = compose(result.message + usage);
    await message.reply({
      content,
      ...(file ? { files: [{ attachment: file.data, name: file.name }] } : {}),
      allowedMentions: { parse: [], repliedUser: false },
      failIfNotExists: false,
    });
  }

  /**
   * A task's conversation is in its thread: the answer to a mention made in the task's channel goes
   * to the task's thread when it has one (a mention in a thread is answered there).
   */
  async function threadToAnswerIn(message: Message<true>, task: TaskView): Promise<string | null> {
    if (message.channelId !== task.channelId) return null;
    const thread = await services.cards.thread(task.id).catch(() => null);
    return thread?.state === "open" && thread.threadId ? thread.threadId : null;
  }

  /** False when the answer stays a reply: the thread is gone (then forgotten) or locked. */
  async function answerInThread(
    task: TaskView,
    threadId: string,
    content: string,
    file: { name: string; data: Buffer } | null,
  ): Promise<boolean> {
    try {
      await client.rest.post(Routes.channelMessages(threadId), {
        body: {
          content,
          allowed_mentions: { parse: [] },
          ...(file ? { attachments: [{ id: 0, filename: file.name }] } : {}),
        },
        ...(file ? { files: [{ name: file.name, data: file.data, contentType: "application/json" }] } : {}),
      });
      return true;
    } catch (error) {
      if (isDiscordError(error, RESTJSONErrorCodes.UnknownChannel))
        await services.cards.forgetThread(task.id, threadId).catch(() => undefined);
      else log.warn({ err: error, taskId: task.id }, "could not answer in the task's thread");
      return false;
    }
  }

  /**
   * Every mention is claimed before any work; "elsewhere": another instance (or an earlier delivery)
   * has it. An answer when the claim itself failed for a reason the user can read.
   */
  async function claimMessage(message: Message<true>): Promise<"elsewhere" | Answer | null> {
    try {
      return (await services.events.claim(message.id)) ? null : "elsewhere";
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return { command: null, ok: false, message: error.message, task: null, error: { code: error.code } };
    }
  }

  async function handle(message: Message): Promise<void> {
    const botUser = client.user;
    if (inFlight.draining || !botUser || message.author.id === botUser.id || message.webhookId) return;
    if (!message.inGuild()) return;
    const botRoleId = message.guild.members.me?.roles.botRole?.id;
    const text = stripBotMention(message.content, botUser.id, botRoleId);
    if (text === message.content.trim()) return; // not addressed to us
    const started = performance.now();
    const actor = actorOfMessage(message);
    const claim = await claimMessage(message);
    if (claim === "elsewhere") return;
    const gate = claim ? null : await checkBot(message, actor);
    if (gate === "quiet") return;
    const result = claim ?? gate ?? (await answer(message, text, actor));
    try {
      await replyWith(message, result, `<@${botUser.id}>`);
    } catch (error) {
      log.warn({ err: error, messageId: message.id }, "could not reply to a mention");
    }
    log.info(
      {
        messageId: message.id,
        guildId: message.guildId,
        userId: actor.userId,
        isBot: actor.isBot,
        command: result.command ?? "unknown",
        outcome: result.ok ? "ok" : `refused:${result.error?.code}`,
        ms: Math.round(performance.now() - started),
      },
      "mention",
    );
  }

  return {
    handle(message) {
      return inFlight.track(
        handle(message).catch((error: unknown) =>
          log.error({ err: error, messageId: message.id }, "mention handling failed"),
        ),
      );
    },
    async drain(timeoutMs = 10_000) {
      await inFlight.drain(timeoutMs);
    },
  };
}

/** Listens on messageCreate; returns the function that stops listening. */
export function registerMentionCommands(client: Client, handler: MentionHandler): () => void {
  const listener = (message: Message) => void handler.handle(message);
  client.on(Events.MessageCreate, listener);
  return () => client.off(Events.MessageCreate, listener);
}
