import type { WriteStream } from "node:tty";

/** Terminal styling that turns into plain text when colour is off (NO_COLOR, not a TTY, TERM=dumb). */
export interface Style {
  enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  italic(text: string): string;
  underline(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  /** Discord's colour (0xRRGGBB), as close as the terminal can show it */
  rgb(color: number, text: string): string;
}

const plain = (text: string) => text;

export const NO_STYLE: Style = {
  enabled: false,
  bold: plain,
  dim: plain,
  italic: plain,
  underline: plain,
  red: plain,
  green: plain,
  yellow: plain,
  cyan: plain,
  rgb: (_color, text) => text,
};

/** Colour for a stream when it is a terminal that wants it; NO_COLOR and FORCE_COLOR are honoured. */
export function styleFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Style {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return NO_STYLE;
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  if (!stream.isTTY && !forced) return NO_STYLE;
  const depth = stream.isTTY ? (stream as WriteStream).getColorDepth(env) : 24;
  if (depth < 4) return NO_STYLE;
  return ansiStyle(depth);
}

export function ansiStyle(depth: number): Style {
  const wrap = (open: string, close: string) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
  return {
    enabled: true,
    bold: wrap("1", "22"),
    dim: wrap("2", "22"),
    italic: wrap("3", "23"),
    underline: wrap("4", "24"),
    red: wrap("31", "39"),
    green: wrap("32", "39"),
    yellow: wrap("33", "39"),
    cyan: wrap("36", "39"),
    rgb: (color, text) => `\x1b[${foreground(color, depth)}m${text}\x1b[39m`,
  };
}

function foreground(color: number, depth: number): string {
  const r = (color >> 16) & 0xff;
  const g = (color >> 8) & 0xff;
  const b = color & 0xff;
  if (depth >= 24) return `38;2;${r};${g};${b}`;
  if (depth >= 8) {
    const level = (v: number) => Math.round((v / 255) * 5);
    return `38;5;${16 + 36 * level(r) + 6 * level(g) + level(b)}`;
  }
  // 16 colours: the nearest of the basic six by which channels are strong.
  const bits = (r > 127 ? 1 : 0) | (g > 127 ? 2 : 0) | (b > 127 ? 4 : 0);
  return String(30 + (bits === 0 ? 7 : bits));
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** Columns a string takes in a terminal: escapes take none, wide (CJK, emoji) characters two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of stripAnsi(text)) {
    const code = ch.codePointAt(0)!;
    if (code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f) || (code >= 0x300 && code <= 0x36f)) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** Pads with spaces to `width` columns. */
export function padEnd(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}

/** Breaks plain text into lines of at most `width` columns, at spaces where possible. */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/(\s+)/)) {
      if (word === "") continue;
      if (displayWidth(line) + displayWidth(word) <= width) {
        line += word;
        continue;
      }
      if (line.trim() !== "") out.push(line.trimEnd());
      line = /^\s+$/.test(word) ? "" : word;
      while (displayWidth(line) > width) {
        const [head, tail] = splitAtWidth(line, width);
        out.push(head);
        line = tail;
      }
    }
    out.push(line.trimEnd());
  }
  return out;
}

function splitAtWidth(text: string, width: number): [string, string] {
  let used = 0;
  let i = 0;
  const chars = [...text];
  while (i < chars.length && used + displayWidth(chars[i]!) <= width) {
    used += displayWidth(chars[i]!);
    i += 1;
  }
  return [chars.slice(0, i).join(""), chars.slice(i).join("")];
}
