import type {
  ApiChannel,
  ApiModal,
  ApiUser,
  DiscordStandIn,
  StoredMessage,
} from "../../test/stand-in/index.ts";
import type { ActionContext } from "./actions/context.ts";
import { runClick } from "./actions/run-click.ts";
import { runSubmitModal } from "./actions/run-modal.ts";
import { runSay } from "./actions/run-say.ts";
import { runSlash } from "./actions/run-slash.ts";
import { helpText } from "./help.ts";
import { type FeedEntry, MessageFeed } from "./message-feed.ts";
import { parseLine, type SandboxLine } from "./parse-line.ts";
import { renderMessage } from "./render-message.ts";
import type { RenderContext } from "./render-text.ts";
import type { Style } from "./style.ts";
import { FIRST_CHANNEL, FIRST_USER } from "./world.ts";

export interface SessionOptions {
  style: Style;
  width: number;
  /** where everything the session shows goes, one chunk (possibly several lines) at a time */
  print(text: string): void;
  fullJson?: boolean;
  /** after an answer, how long nothing must change before the line is done (default 350 ms) */
  quietMs?: number;
  /** `later 2h`: moves the bot's clock ahead and runs its background jobs (absent: the line is refused) */
  passTime?: (ms: number) => Promise<void>;
  /** the bot's clock, for "in 2 hours" (default: the real one) */
  now?: () => number;
}

export interface LineResult {
  quit: boolean;
  /** bot failures during this line */
  failures: string[];
  /** the line was refused (by Discord's client or the sandbox), as a person would see */
  refused: boolean;
  /** the sandbox did not understand the line at all */
  unknown: boolean;
}

/** An answer quotes an error reference only when something unexpected broke in the bot. */
const ERROR_REFERENCE = /\bref `?([0-9A-F]{8})`?/;
const SETTLE_MAX_MS = 4_000;

/**
 * One person at the keyboard playing the server's users: runs lines, shows what the bot sent in
 * answer, and counts the bot's failures (no answer in time, an error with a reference id, a REST
 * call Discord does not have).
 */
export class Session {
  private user: ApiUser;
  private channel: ApiChannel;
  private readonly feed: MessageFeed;
  private readonly openModals = new Map<string, ApiModal>();
  private readonly renderContext: RenderContext;
  private unknownSeen = 0;
  /** each message as last shown, so an edit that changes nothing visible is not shown again */
  private readonly lastShown = new Map<string, string>();
  private muted = false;
  readonly failures: string[] = [];
  private busy = false;

  constructor(
    readonly standIn: DiscordStandIn,
    private readonly options: SessionOptions,
  ) {
    this.user = standIn.user(FIRST_USER);
    this.channel = standIn.channel(FIRST_CHANNEL);
    this.feed = new MessageFeed(standIn);
    const nameOf = <T>(find: () => T, name: (found: T) => string, fallback: string) => {
      try {
        return name(find());
      } catch {
        return fallback;
      }
    };
    this.renderContext = {
      ...(options.now ? { now: options.now } : {}),
      style: options.style,
      width: options.width,
      fullJson: options.fullJson ?? false,
      userName: (id) =>
        nameOf(
          () => standIn.user(id),
          (u) => u.username,
          "unknown-user",
        ),
      roleName: (id) =>
        nameOf(
          () => standIn.role(id),
          (r) => r.name,
          "deleted-role",
        ),
      channelName: (id) =>
        nameOf(
          () => standIn.channel(id),
          (c) => this.labelOf(c),
          "unknown-channel",
        ),
    };
    this.unknownSeen = standIn.unknownRequests().length;
  }

  get who(): { user: string; channel: string } {
    return { user: this.user.username, channel: this.channelLabel() };
  }

  private channelLabel(): string {
    return this.labelOf(this.channel);
  }

  /** `general`, or for a task's thread `general/#4` (one word, as the prompt shows it). */
  private labelOf(channel: { parent_id: string | null; name: string }): string {
    const { parent_id: parentId, name } = channel;
    if (!parentId) return name;
    const parent = this.standIn.guild().channels.get(parentId)?.name ?? "thread";
    return `${parent}/${/^#\d+/.exec(name)?.[0] ?? name.replace(/\s+/g, "-")}`;
  }

  /** Whether a line is running (background output waits for it). */
  get running(): boolean {
    return this.busy;
  }

  /** The bot's messages the current user can see (public ones and their own ephemeral ones). */
  visibleMessages(): StoredMessage[] {
    return this.feed.all().filter((m) => !m.ephemeral || m.visibleTo === this.user.id);
  }

  /** Calls `listener` whenever the bot changes a message (for printing between lines). */
  onBotMessage(listener: () => void): () => void {
    return this.feed.onChange(listener);
  }

  close(): void {
    this.feed.close();
  }

  async run(raw: string): Promise<LineResult> {
    this.busy = true;
    const result: LineResult = { quit: false, failures: [], refused: false, unknown: false };
    try {
      this.flushBackground();
      const line = parseLine(raw);
      const ctx = this.actionContext(result);
      await this.execute(line, ctx, result);
      if (["slash", "click", "submit-modal", "say", "wait", "later"].includes(line.kind)) {
        await this.feed.settle(this.options.quietMs ?? 350, SETTLE_MAX_MS);
      }
      this.flush(result.failures);
      this.checkUnknownRoutes(result.failures);
    } finally {
      this.busy = false;
    }
    this.failures.push(...result.failures);
    return result;
  }

  /** Prints what the bot did since the last line (a delivery after a backoff, a lease expiring…). */
  flushBackground(): void {
    if (this.feed.size === 0) return;
    const failures: string[] = [];
    this.flush(failures);
    this.checkUnknownRoutes(failures);
    this.failures.push(...failures);
  }

  private async execute(line: SandboxLine, ctx: ActionContext, result: LineResult): Promise<void> {
    switch (line.kind) {
      case "blank":
        return;
      case "error":
        result.unknown = true;
        return this.print(this.options.style.red(`✗ ${line.message}`));
      case "as":
        return this.switchUser(line.user, ctx);
      case "in":
        return this.switchChannel(line.channel, ctx);
      case "slash":
        return runSlash(line.text, ctx);
      case "click":
        return runClick(line.label, line.task, ctx);
      case "submit-modal":
        return runSubmitModal(line.fields, ctx);
      case "say":
        return runSay(line.text, ctx);
      case "wait":
        await new Promise((resolve) => setTimeout(resolve, line.ms));
        return;
      case "later":
        if (!this.options.passTime) return ctx.refuse("this sandbox has no clock to move");
        this.print(
          this.options.style.dim(`⏩ the bot's clock moves ${minutesWords(line.ms / 60_000)} ahead`),
        );
        return this.options.passTime(line.ms);
      case "json":
        this.renderContext.fullJson = line.show;
        return this.print(this.options.style.dim(`json blocks: ${line.show ? "whole" : "one line"}`));
      case "help":
        return this.print(helpText(this.standIn, this.options.style));
      case "quit":
        result.quit = true;
        return;
    }
  }

  private switchUser(name: string, ctx: ActionContext): void {
    const members = [...this.standIn.guild().members.keys()].map((id) => this.standIn.user(id));
    const found = members.find(
      (u) => u.username.toLowerCase() === name.toLowerCase() && u.id !== this.standIn.botUser.id,
    );
    if (!found) {
      const names = members.filter((u) => u.id !== this.standIn.botUser.id).map((u) => u.username);
      ctx.refuse(`nobody called ${name} here; people: ${names.join(", ")}`);
      return;
    }
    this.user = found;
  }

  private switchChannel(name: string, ctx: ActionContext): void {
    const channels = [...this.standIn.guild().channels.values()];
    // `in thread #4`: the thread on task #4's card (channels with `/tasklane config threads:true`).
    const task = /^thread\s+#?(\d+)$/i.exec(name)?.[1];
    if (task) {
      const thread = channels.find(
        (c) => c.parent_id && (c.name === `#${task}` || c.name.startsWith(`#${task} · `)),
      );
      if (!thread) {
        ctx.refuse(`#${task} has no thread (threads open where \`/tasklane config threads:true\` is set)`);
        return;
      }
      this.channel = thread;
      return;
    }
    const found = channels.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (!found) {
      ctx.refuse(`no channel #${name}; channels: ${channels.map((c) => `#${c.name}`).join(", ")}`);
      return;
    }
    this.channel = found;
  }

  private print(text: string): void {
    if (!this.muted) this.options.print(text);
  }

  /**
   * Runs lines without showing them (the admin's set-up before anyone arrives), then puts the
   * prompt back on the first user and channel. Answers the failures and refusals, printed or not.
   */
  async runQuietly(lines: string[]): Promise<string[]> {
    const problems: string[] = [];
    this.muted = true;
    try {
      for (const line of lines) {
        const result = await this.run(line);
        problems.push(...result.failures);
        if (result.refused || result.unknown) problems.push(`refused: ${line}`);
      }
    } finally {
      this.muted = false;
      this.user = this.standIn.user(FIRST_USER);
      this.channel = this.standIn.channel(FIRST_CHANNEL);
    }
    return problems;
  }

  private actionContext(result: LineResult): ActionContext {
    const { style } = this.options;
    const print = (text: string) => this.print(text);
    return {
      standIn: this.standIn,
      user: this.user,
      channel: this.channel,
      render: { ...this.renderContext, viewerId: this.user.id },
      botMessages: () => this.feed.all(),
      openModals: this.openModals,
      print,
      refuse: (message) => {
        result.refused = true;
        print(style.red(`✗ ${message}`));
      },
      botFailed: (reason) => {
        result.failures.push(reason);
        print(style.bold(style.red(`✗ the bot failed: ${reason}`)));
      },
    };
  }

  private flush(failures: string[]): void {
    const entries = this.feed.take();
    const render = { ...this.renderContext, viewerId: this.user.id };
    for (const entry of entries) {
      const id = entry.stored.message.id;
      const looks = renderMessage(entry.stored, "new", render);
      if (entry.change === "edited" && this.lastShown.get(id) === looks) continue;
      this.lastShown.set(id, looks);
      this.print(renderMessage(entry.stored, entry.change, render));
      const ref = errorReference(entry);
      if (ref) {
        const reason = `the bot answered with an error (ref ${ref}); look for it in the log`;
        failures.push(reason);
        this.print(this.options.style.bold(this.options.style.red(`✗ the bot failed: ${reason}`)));
      }
    }
  }

  private checkUnknownRoutes(failures: string[]): void {
    const unknown = this.standIn.unknownRequests();
    for (const request of unknown.slice(this.unknownSeen)) {
      const reason = `the bot called ${request.method} ${request.path}, which Discord does not have (404)`;
      failures.push(reason);
      this.print(this.options.style.bold(this.options.style.red(`✗ the bot failed: ${reason}`)));
    }
    this.unknownSeen = unknown.length;
  }
}

function errorReference(entry: FeedEntry): string | undefined {
  if (entry.change === "deleted") return undefined;
  const message = entry.stored.message;
  const texts = [
    message.content,
    ...message.embeds.map((e) => `${String(e.title ?? "")} ${String(e.description ?? "")}`),
  ];
  for (const text of texts) {
    const match = ERROR_REFERENCE.exec(text);
    if (match) return match[1];
  }
  return undefined;
}

function minutesWords(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}
