import { randomBytes } from "node:crypto";
import { type Client, Events, type Message } from "discord.js";
import { LruTtlMap } from "../../cache/lru-ttl-map.ts";
import type { RateLimitOptions } from "../../cache/token-bucket.ts";
import { RateLimitedError, UserError } from "../../domain/errors.ts";
import { databaseFaultOf } from "../../services/database-faults.ts";
import type { ActionContext, Actor, TaskView } from "../../services/types.ts";
import { actorOfMessage } from "../actor.ts";
import { agentMessage } from "../delivery/agent-message.ts";
import { PAYLOAD_VERSION, type ReplyPayload, taskPayload } from "../delivery/agent-payload.ts";
import type { DiscordDeps, MentionVerbs } from "../handler-types.ts";
import { createInFlight } from "../in-flight.ts";
import { refusalText, titleText } from "../render/format.ts";
import { type MentionCommand, mentionUsage, parseMentionCommand, stripBotMention } from "./parse-mention.ts";

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

  async function answer(message: Message<true>, text: string, actor: Actor): Promise<Answer> {
    const parsed = parseMentionCommand(text);
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
      channelId: message.channelId,
      actor,
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
    const { content, file } = agentMessage({
      lead: result.message + usage,
      payload,
      ...(task ? { detail: `**#${task.number}** · ${titleText(task.title)}` } : {}),
      fileName: task ? `task-${task.number}.json` : "tasklane.json",
    });
    await message.reply({
      content,
      ...(file ? { files: [{ attachment: file.data, name: file.name }] } : {}),
      allowedMentions: { parse: [], repliedUser: false },
      failIfNotExists: false,
    });
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
