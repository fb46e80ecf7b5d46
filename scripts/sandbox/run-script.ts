import type { Session } from "./session.ts";
import type { Style } from "./style.ts";

export interface ScriptSummary {
  lines: number;
  /** the bot failed to answer properly (the run exits 1) */
  failures: string[];
  /** lines Discord's client (or the sandbox) refused, shown in the transcript */
  refused: number;
  /** lines the sandbox did not understand */
  unknown: string[];
}

/**
 * `--script file.txt`: every line as if typed at the prompt, echoed with who typed it where;
 * `#` comment lines are shown as narration. Stops at `quit`.
 */
export async function runScript(
  session: Session,
  text: string,
  print: (text: string) => void,
  style: Style,
): Promise<ScriptSummary> {
  const summary: ScriptSummary = { lines: 0, failures: [], refused: 0, unknown: [] };
  // A comment starts a new paragraph after a blank line or a command, as in the file.
  let paragraph = true;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") {
      paragraph = true;
      continue;
    }
    if (line.startsWith("#")) {
      print(style.dim(paragraph ? `\n${line}` : line));
      paragraph = false;
      continue;
    }
    paragraph = true;
    const { user, channel } = session.who;
    print(`${style.bold(style.cyan(user))} ${style.dim(`#${channel}`)} › ${line}`);
    summary.lines += 1;
    const result = await session.run(line);
    if (result.refused) summary.refused += 1;
    if (result.unknown) summary.unknown.push(line);
    if (result.quit) break;
  }
  session.flushBackground();
  // Everything the session counted: the set-up's, the lines', and what came in the background.
  summary.failures = [...session.failures];
  return summary;
}
