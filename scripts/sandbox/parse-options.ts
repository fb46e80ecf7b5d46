import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { ApiCommand, ApiCommandOption } from "../../test/stand-in/index.ts";
import type { AttachmentInput } from "../../test/stand-in/interactions/command-options.ts";
import { type Token, tokenize } from "./tokenize.ts";

/** An attachment option takes the path of a local file (`file:tasks.json`), attached as Discord's client would. */
export type OptionValue = string | number | boolean | AttachmentInput;

export interface ParsedCommand {
  name: string;
  group?: string;
  subcommand?: string;
  /** Values as Discord's client sends them; users, roles and channels as names (the stand-in resolves them). */
  options: Record<string, OptionValue>;
  /**
   * Integer options with autocomplete given as words (`task:"login bug"`): Discord's client would show
   * the bot's suggestions; the sandbox asks the bot and picks the first, as a person would.
   */
  lookups: { option: string; typed: string }[];
  /** `/task create` */
  label: string;
}

export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; error: string };

/** Names a reference option may take, for checks with a helpful message (all optional). */
export interface KnownNames {
  users?: string[];
  roles?: string[];
  channels?: string[];
}

const Type = {
  Subcommand: 1,
  Group: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const;

/**
 * Reads `task create title:"Fix login" priority:high` against the command definitions deployed to
 * the stand-in, refusing what Discord's client would not send: unknown commands or options, a missing
 * required option, a value that is not one of the choices, the wrong type, out of range or too long.
 */
export function parseSlashCommand(text: string, deployed: ApiCommand[], known: KnownNames = {}): ParseResult {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (e) {
    return fail((e as Error).message);
  }
  const slash = deployed.filter((c) => c.type === 1);
  const first = tokens.shift();
  const name = first?.key === undefined ? first?.value.toLowerCase() : undefined;
  const command = slash.find((c) => c.name === name);
  if (!command) {
    const list = slash.map((c) => `/${c.name}`).join(", ");
    const hint = suggest(
      name ?? "",
      slash.map((c) => c.name),
    );
    return fail(
      `No command /${name ?? first?.key ?? ""} here.${hint ? ` Did you mean /${hint}?` : ""} Commands: ${list}`,
    );
  }

  let scope = command.options ?? [];
  const path = [command.name];
  let group: string | undefined;
  let subcommand: string | undefined;
  const isNested = (o: ApiCommandOption) => o.type === Type.Subcommand || o.type === Type.Group;
  while (scope.some(isNested)) {
    const word = tokens[0]?.key === undefined ? tokens[0]?.value.toLowerCase() : undefined;
    const picked = scope.find((o) => isNested(o) && o.name === word);
    if (!picked) {
      const names = scope.filter(isNested).map((o) => o.name);
      const where = `/${path.join(" ")}`;
      if (word === undefined) return fail(`${where} needs a subcommand: ${names.join(", ")}`);
      const hint = suggest(word, names);
      return fail(
        `${where} has no subcommand "${word}".${hint ? ` Did you mean ${hint}?` : ""} Pick one of: ${names.join(", ")}`,
      );
    }
    tokens.shift();
    path.push(picked.name);
    if (picked.type === Type.Group) group = picked.name;
    else subcommand = picked.name;
    scope = picked.options ?? [];
  }

  const label = `/${path.join(" ")}`;
  const given = collectOptions(tokens, label);
  if (!given.ok) return given;
  const options: Record<string, OptionValue> = {};
  const lookups: ParsedCommand["lookups"] = [];
  for (const [optionName, raw] of Object.entries(given.values)) {
    const def = scope.find((o) => o.name === optionName);
    if (!def) {
      const hint = suggest(
        optionName,
        scope.map((o) => o.name),
      );
      const list = scope.map((o) => (o.required ? `${o.name}*` : o.name)).join(", ") || "none";
      return fail(
        `${label} has no option "${optionName}".${hint ? ` Did you mean ${hint}?` : ""} Options: ${list}`,
      );
    }
    const value = readValue(def, raw, label, known);
    if (typeof value === "object" && "error" in value) return fail(value.error);
    if (typeof value === "object" && "lookup" in value) {
      lookups.push({ option: def.name, typed: value.lookup });
      continue;
    }
    options[def.name] = value;
  }
  const missing = scope.filter((o) => o.required && !(o.name in given.values)).map((o) => o.name);
  if (missing.length > 0) {
    return fail(
      `${label}: ${missing.map((m) => `"${m}"`).join(", ")} ${missing.length === 1 ? "is" : "are"} required. Discord won't send the command without ${missing.length === 1 ? "it" : "them"}.`,
    );
  }
  const parsed: ParsedCommand = { name: command.name, options, lookups, label };
  if (group !== undefined) parsed.group = group;
  if (subcommand !== undefined) parsed.subcommand = subcommand;
  return { ok: true, command: parsed };
}

function collectOptions(
  tokens: Token[],
  label: string,
): { ok: true; values: Record<string, string> } | { ok: false; error: string } {
  const values: Record<string, string> = {};
  let last: string | undefined;
  for (const token of tokens) {
    if (token.key !== undefined) {
      if (token.key in values) return fail(`${label}: option "${token.key}" is given twice`);
      values[token.key] = token.value;
      last = token.key;
    } else if (last !== undefined) {
      // An unquoted value runs on until the next `name:`, as in `title:Fix the login page`.
      values[last] = `${values[last]} ${token.value}`;
    } else {
      return fail(
        `${label}: "${token.value}" is not an option; write options as name:value, e.g. title:"Fix login"`,
      );
    }
  }
  return { ok: true, values };
}

function readValue(
  def: ApiCommandOption,
  raw: string,
  label: string,
  known: KnownNames,
): OptionValue | { error: string } | { lookup: string } {
  const bad = (why: string) => ({ error: `${label}: ${def.name} ${why} (got "${raw}")` });
  switch (def.type) {
    case Type.String: {
      const choice = pickChoice(def, raw);
      if (choice === null) return bad(`must be one of: ${choiceNames(def)}`);
      const value = String(choice ?? raw);
      if (def.min_length !== undefined && value.length < def.min_length)
        return bad(`needs at least ${def.min_length} characters`);
      if (def.max_length !== undefined && value.length > def.max_length)
        return bad(`takes at most ${def.max_length} characters (this is ${value.length})`);
      return value;
    }
    case Type.Integer:
    case Type.Number: {
      const text = raw.trim().replace(/^#(?=\d)/, "");
      const number = Number(text);
      const isNumber = text !== "" && Number.isFinite(number);
      if (!isNumber || (def.type === Type.Integer && !Number.isInteger(number))) {
        if (def.autocomplete && raw.trim() !== "") return { lookup: raw.trim() };
        return bad(def.type === Type.Integer ? "must be a whole number" : "must be a number");
      }
      const choice = pickChoice(def, number);
      if (choice === null) return bad(`must be one of: ${choiceNames(def)}`);
      if (def.min_value !== undefined && number < def.min_value)
        return bad(`must be at least ${def.min_value}`);
      if (def.max_value !== undefined && number > def.max_value)
        return bad(`must be at most ${def.max_value}`);
      return number;
    }
    case Type.Boolean: {
      const text = raw.trim().toLowerCase();
      if (["true", "yes", "on"].includes(text)) return true;
      if (["false", "no", "off"].includes(text)) return false;
      return bad("must be true or false");
    }
    case Type.User:
      return reference(raw, "@", known.users, () => bad("must be a member of this server"));
    case Type.Role:
      return reference(raw, "@", known.roles, () => bad("must be a role of this server"));
    case Type.Mentionable: {
      const name = raw.trim().replace(/^@/, "");
      const all = [...(known.users ?? []), ...(known.roles ?? [])];
      if (known.users && known.roles && !all.some((n) => n.toLowerCase() === name.toLowerCase()))
        return bad("must be a member or a role of this server");
      return name;
    }
    case Type.Channel:
      return reference(raw, "#", known.channels, () => bad("must be a channel of this server"));
    case Type.Attachment: {
      const path = raw.trim();
      try {
        return { filename: basename(path), content: readFileSync(path) };
      } catch {
        return bad("must be the path of a file to attach");
      }
    }
    default:
      return bad("has a type the sandbox cannot send");
  }
}

/** `@alice` / `alice` / `<@123>` -> the name (or the mention, which the stand-in resolves). */
function reference(
  raw: string,
  sigil: string,
  names: string[] | undefined,
  unknown: () => { error: string },
): string | { error: string } {
  const text = raw.trim();
  if (/^<[@#][!&]?\d+>$/.test(text) || /^\d{17,20}$/.test(text)) return text;
  const name = text.startsWith(sigil) ? text.slice(1) : text;
  if (!names) return name;
  const found = names.find((n) => n.toLowerCase() === name.toLowerCase());
  return found ?? unknown();
}

/** A choice by its value or its displayed name; undefined when the option has no choices, null when none fits. */
function pickChoice(def: ApiCommandOption, value: string | number): string | number | null | undefined {
  if (!def.choices || def.choices.length === 0) return undefined;
  const text = String(value).toLowerCase();
  const found = def.choices.find(
    (c) => String(c.value).toLowerCase() === text || c.name.toLowerCase() === text,
  );
  return found ? found.value : null;
}

function choiceNames(def: ApiCommandOption): string {
  return (def.choices ?? []).map((c) => c.name).join(", ");
}

/** The closest name within two edits, for "Did you mean …?". */
export function suggest(word: string, names: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(word.toLowerCase(), name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
