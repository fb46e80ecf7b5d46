import { type Client, Events, type Message, RESTJSONErrorCodes, Routes } from "discord.js";
import { LruTtlMap } from "../../cache/lru-ttl-map.ts";
import type { RateLimitOptions } from "../../cache/token-bucket.ts";
import type { TaskView } from "../../domain/task-view.ts";
import type { Actor } from "../../services/contracts.ts";
import { actionContextOfMessage, actorOfMessage } from "../actor.ts";
import { isDiscordError } from "../cards/card-deps.ts";
import { agentMessage } from "../delivery/agent-message.ts";
import { PAYLOAD_VERSION, type ReplyPayload, taskPayload } from "../delivery/agent-payload.ts";
import type { Failure, Guard, GuardedRunner } from "../guarded-runner.ts";
import type { DiscordDeps, MentionVerbs } from "../handler-types.ts";
import { refusalText, titleText } from "../render/format.ts";
import { type MentionCommand, mentionUsage, parseMentionCommand, stripBotMention } from "./parse-mention.ts";
import { type CommandPlace, placeOfMention } from "./thread-place.ts";

export interface MentionHandler {
  handle(message: Message): Promise<void>;
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
 * with a human line and the agent json block, never silence. Claims, rate limits, in-flight tracking
 * and the error pipeline are the guarded runner's, as for every interaction.
 */
export function createMentionHandler(
  deps: DiscordDeps & {
    client: Client;
    verbs: MentionVerbs;
    runner: GuardedRunner;
    agentBudget?: RateLimitOptions;
  },
): MentionHandler {
  const { client, log, services, cache, verbs, runner } = deps;
  // Shared by every instance (Redis; in process for the embedded cache): a bot spreading its mentions
  // over instances gets one budget, not one each.
  const budgetOptions = deps.agentBudget ?? { capacity: 30, windowSeconds: 60 };
  const budget = cache.buckets("agent-commands", budgetOptions);
  /** While Redis cannot say whether a bot was told already: this instance's memory of it. */
  const toldHere = new LruTtlMap<true>(10_000);

  /** True for the first caller (of any instance) in `ttlMs`: that one tells the bot, the rest stay quiet. */
  async function firstToTell(key: string, ttlMs: number): Promise<boolean> {
    const claim = await cache.claims.claim(`told:${key}`, Math.max(1, Math.ceil(ttlMs / 1000)));
    if (claim !== "unknown") return claim === "won";
    if (toldHere.get(key)) return false;
    toldHere.set(key, true, ttlMs);
    return true;
  }

  /**
   * Loop safety for bot accounts: a paused agent is refused, and past its command budget a bot gets
   * one refusal and then silence until the budget refills — two bots can never keep each other talking.
   */
  async function checkBot(message: Message<true>, actor: Actor): Promise<Answer | "quiet" | null> {
    if (!actor.isBot) return null;
    const key = `${message.guildId}:${actor.userId}`;
    const agent = await services.agents.get(message.guildId, actor.userId);
    if (agent?.paused) {
      if (!(await firstToTell(`paused:${key}`, 60_000))) return "quiet";
      return refusal(
        "paused",
        "You are paused in this server: I take no commands from you until an admin runs `/tasklane agent resume`.",
      );
    }
    const decision = await budget.take(key);
    if (decision.allowed) return null;
    if (!(await firstToTell(`budget:${key}`, decision.retryAfterMs))) return "quiet";
    const back = Math.ceil((Date.now() + decision.retryAfterMs) / 1000);
    return refusal(
      "budget",
      `You have used your command budget (${budgetOptions.capacity} a minute). I will not answer you again until <t:${back}:R>.`,
    );
  }

  const refusal = (code: string, message: string): Answer => ({
    command: null,
    ok: false,
    message,
    task: null,
    error: { code },
  });

  /** The command's answer; what the services throw goes to the runner's error pipeline. */
  async function answer(
    message: Message<true>,
    command: MentionCommand,
    place: CommandPlace,
    guard: Guard,
  ): Promise<Answer> {
    if (command.name === "help")
      return { command: "help", ok: true, message: "Here is what I understand.", task: null, usage: true };
    // In a task's thread: the task's channel, with the rights the thread gives.
    const ctx = { ...actionContextOfMessage(message, place.actor), channelId: place.channelId };
    await guard.limit(ctx, verbs.isWrite(command));
    const outcome = await verbs.run(services.tasks, ctx, command);
    return { command: command.name, ok: true, ...outcome };
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

  /** In a task's thread, the task's channel and the thread's task; a lookup that fails acts where it was said. */
  async function placeOf(message: Message<true>, actor: Actor): Promise<CommandPlace> {
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

  /** A refusal or failure, in the reply's words: the sentence, or the apology with its reference id. */
  function answerOfFailure(command: MentionCommand["name"] | null, failure: Failure): Answer {
    if (failure.expected) {
      return {
        command,
        ok: false,
        message: refusalText(failure.error.message),
        task: null,
        error: { code: failure.error.code },
      };
    }
    return {
      command,
      ok: false,
      message: `Sorry, something went wrong on our side (ref ${failure.ref}).`,
      task: null,
      error: { code: "internal", ref: failure.ref },
    };
  }

  function handle(message: Message): Promise<void> {
    const botUser = client.user;
    // While draining, a mention is left unclaimed for another instance (a rolling deploy) to take.
    if (runner.draining || !botUser || message.author.id === botUser.id || message.webhookId)
      return Promise.resolve();
    if (!message.inGuild()) return Promise.resolve();
    const botRoleId = message.guild.members.me?.roles.botRole?.id;
    const text = stripBotMention(message.content, botUser.id, botRoleId);
    if (text === message.content.trim()) return Promise.resolve(); // not addressed to us
    const actor = actorOfMessage(message);
    const botMention = `<@${botUser.id}>`;
    const fields: Record<string, unknown> = {
      messageId: message.id,
      guildId: message.guildId,
      userId: actor.userId,
      isBot: actor.isBot,
      command: "unknown",
    };
    let command: MentionCommand["name"] | null = null;
    const reply = async (result: Answer) => {
      try {
        await replyWith(message, result, botMention);
      } catch (error) {
        log.warn({ err: error, messageId: message.id }, "could not reply to a mention");
      }
    };
    return runner.run(
      { id: message.id, kind: "mention", fields },
      {
        run: async (guard) => {
          const gate = await checkBot(message, actor);
          if (gate === "quiet") return "quiet";
          const place = gate ? null : await placeOf(message, actor);
          const parsed = place ? parseMentionCommand(text, place.threadTask) : null;
          if (parsed?.ok) {
            command = parsed.command.name;
            fields.command = command;
          }
          const result: Answer =
            gate ??
            (parsed?.ok
              ? await answer(message, parsed.command, place!, guard)
              : {
                  command: null,
                  ok: false,
                  message: refusalText(parsed?.problem ?? ""),
                  task: null,
                  error: { code: "usage" },
                  usage: true,
                });
          await reply(result);
          return result.ok ? "ok" : `refused:${result.error?.code}`;
        },
        tell: (failure) => reply(answerOfFailure(command, failure)),
      },
    );
  }

  return { handle };
}

/** Listens on messageCreate; returns the function that stops listening. */
export function registerMentionCommands(client: Client, handler: MentionHandler): () => void {
  const listener = (message: Message) => void handler.handle(message);
  client.on(Events.MessageCreate, listener);
  return () => client.off(Events.MessageCreate, listener);
}
