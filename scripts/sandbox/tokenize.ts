/** One word of a sandbox line; `key` is set when it began with an unquoted `name:` (an option). */
export interface Token {
  key?: string;
  value: string;
  /** the value (or the whole word) was written in quotes: it is never split or re-read as an option */
  quoted: boolean;
}

const OPTION_START = /^([\p{Ll}\p{N}_-]{1,32}):(?!\/\/)/u;

/**
 * Splits on spaces, keeping "double" or 'single' quoted runs whole (\" and \\ escape inside them).
 * `title:"Fix login"` is one token with key `title`. Throws on an unclosed quote.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i += 1;
    if (i >= text.length) break;
    let key: string | undefined;
    const start = OPTION_START.exec(text.slice(i));
    if (start) {
      key = start[1]!;
      i += start[0].length;
    }
    let value = "";
    let quoted = false;
    while (i < text.length && !/\s/.test(text[i]!)) {
      const ch = text[i]!;
      if (ch === '"' || ch === "'") {
        const end = readQuoted(text, i);
        value += end.value;
        quoted = true;
        i = end.next;
      } else {
        value += ch;
        i += 1;
      }
    }
    tokens.push(key === undefined ? { value, quoted } : { key, value, quoted });
  }
  return tokens;
}

function readQuoted(text: string, open: number): { value: string; next: number } {
  const quote = text[open]!;
  let value = "";
  let i = open + 1;
  while (i < text.length && text[i] !== quote) {
    if (text[i] === "\\" && (text[i + 1] === quote || text[i + 1] === "\\")) {
      value += text[i + 1];
      i += 2;
    } else {
      value += text[i];
      i += 1;
    }
  }
  if (i >= text.length) throw new SyntaxError(`unclosed ${quote} quote`);
  return { value, next: i + 1 };
}
