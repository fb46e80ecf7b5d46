import type { ApiCommand, ApiCommandOption } from "../../test/stand-in/index.ts";

/** What Tab can offer, read fresh on every press. */
export interface Vocabulary {
  commands(): ApiCommand[];
  users(): string[];
  channels(): string[];
  roles(): string[];
  /** labels of the buttons on messages the current user can see */
  buttonLabels(): string[];
}

const KEYWORDS = ["as ", "in #", "click ", "submit modal ", "say ", "wait ", "json ", "help", "quit"];

/**
 * readline's completer: the candidates for the word being typed, and that word. Knows the sandbox's
 * words, the people and channels, and the deployed commands' subcommands, options and choices.
 */
export function complete(line: string, vocabulary: Vocabulary): [string[], string] {
  const word = /(\S*)$/.exec(line)?.[1] ?? "";
  const before = line.slice(0, line.length - word.length);
  const words = before.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.toLowerCase();
  const pick = (candidates: string[]) => {
    const hits = candidates.filter((c) => c.toLowerCase().startsWith(word.toLowerCase()));
    return [hits, word] as [string[], string];
  };

  if (words.length === 0) {
    if (word.startsWith("/")) return pick(slashNames(vocabulary.commands()).map((n) => `/${n} `));
    return pick([...KEYWORDS, ...slashNames(vocabulary.commands()).map((n) => `/${n} `)]);
  }
  if (first === "as") return pick(vocabulary.users());
  if (first === "in") return pick(vocabulary.channels().map((c) => `#${c}`));
  if (first === "submit" && words.length === 1) return pick(["modal "]);
  if (first === "click") {
    if (words.length >= 2 && word.startsWith("#")) return [[], word];
    return pick(words.length === 1 ? unique(vocabulary.buttonLabels()) : ["on #"]);
  }
  if (first === "say") {
    if (word.startsWith("@")) return pick(["@Tasklane", ...vocabulary.users().map((u) => `@${u}`)]);
    if (word.startsWith("#")) return pick(vocabulary.channels().map((c) => `#${c}`));
    return [[], word];
  }
  if (first?.startsWith("/")) return completeSlash(words, word, vocabulary, pick);
  return [[], word];
}

function completeSlash(
  words: string[],
  word: string,
  vocabulary: Vocabulary,
  pick: (candidates: string[]) => [string[], string],
): [string[], string] {
  const command = vocabulary.commands().find((c) => c.type === 1 && `/${c.name}` === words[0]!.toLowerCase());
  if (!command) return [[], word];
  let scope = command.options ?? [];
  let i = 1;
  const nested = (o: ApiCommandOption) => o.type === 1 || o.type === 2;
  while (scope.some(nested)) {
    const next = words[i];
    if (next === undefined) return pick(scope.filter(nested).map((o) => `${o.name} `));
    const found = scope.find((o) => nested(o) && o.name === next.toLowerCase());
    if (!found) return [[], word];
    scope = found.options ?? [];
    i += 1;
  }
  const typingValue = /^([\w-]+):(.*)$/.exec(word);
  if (typingValue) {
    const def = scope.find((o) => o.name === typingValue[1]);
    const values = def ? valuesFor(def, vocabulary) : [];
    return pick(values.map((v) => `${def!.name}:${v}`));
  }
  const used = new Set(
    words
      .slice(i)
      .map((w) => /^([\w-]+):/.exec(w)?.[1])
      .filter(Boolean),
  );
  return pick(scope.filter((o) => !used.has(o.name)).map((o) => `${o.name}:`));
}

function valuesFor(def: ApiCommandOption, vocabulary: Vocabulary): string[] {
  if (def.choices && def.choices.length > 0) return def.choices.map((c) => `${c.name} `);
  switch (def.type) {
    case 5:
      return ["true ", "false "];
    case 6:
      return vocabulary.users().map((u) => `@${u} `);
    case 7:
      return vocabulary.channels().map((c) => `#${c} `);
    case 8:
      return vocabulary.roles().map((r) => `@${r} `);
    case 3:
      return ['"'];
    default:
      return [];
  }
}

function slashNames(commands: ApiCommand[]): string[] {
  return commands.filter((c) => c.type === 1).map((c) => c.name);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
