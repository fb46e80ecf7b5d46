import { clearLine, createInterface, cursorTo } from "node:readline";
import type { JsonObject } from "../../test/stand-in/index.ts";
import { knownNames } from "./actions/run-slash.ts";
import { complete, type Vocabulary } from "./completer.ts";
import type { Session } from "./session.ts";
import type { Style } from "./style.ts";

/** What the bot does between lines shows up this long after its last change. */
const BACKGROUND_DEBOUNCE_MS = 300;

/**
 * The interactive prompt: `alice #general › `, history (↑/↓), Tab completion, and what the bot
 * does in the background (a retry delivered after its backoff) printed above the prompt.
 */
export async function runRepl(session: Session, style: Style): Promise<void> {
  const { standIn } = session;
  const vocabulary: Vocabulary = {
    commands: () => standIn.commandsIn(),
    users: () => (knownNames(standIn).users ?? []).filter((u) => u !== standIn.botUser.username),
    channels: () => knownNames(standIn).channels ?? [],
    roles: () => knownNames(standIn).roles ?? [],
    buttonLabels: () => buttonLabelsVisible(session),
  };
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY === true && process.stdout.isTTY === true,
    historySize: 1000,
    removeHistoryDuplicates: true,
    completer: (line: string) => complete(line, vocabulary),
  });
  const prompt = () => {
    const { user, channel } = session.who;
    return `${style.bold(style.cyan(user))} ${style.dim(`#${channel}`)} › `;
  };

  let timer: NodeJS.Timeout | undefined;
  const stopWatching = session.onBotMessage(() => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (session.running) return;
      clearLine(process.stdout, 0);
      cursorTo(process.stdout, 0);
      session.flushBackground();
      rl.prompt(true);
    }, BACKGROUND_DEBOUNCE_MS);
  });
  rl.on("SIGINT", () => {
    if (rl.line.length > 0) {
      rl.write(null, { ctrl: true, name: "u" });
      return;
    }
    rl.close();
  });

  rl.setPrompt(prompt());
  rl.prompt();
  try {
    for await (const line of rl) {
      const result = await session.run(line);
      if (result.quit) break;
      rl.setPrompt(prompt());
      rl.prompt();
    }
  } finally {
    stopWatching();
    clearTimeout(timer);
    rl.close();
  }
}

function buttonLabelsVisible(session: Session): string[] {
  return session
    .visibleMessages()
    .flatMap((m) =>
      m.message.components.flatMap((row) =>
        ((row.components ?? []) as JsonObject[])
          .filter((c) => c.type === 2 && typeof c.label === "string")
          .map((c) => String(c.label)),
      ),
    );
}
