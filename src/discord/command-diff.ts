import type { RESTPostAPIApplicationCommandsJSONBody } from "discord.js";

export interface CommandDiff {
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: string[];
}

type Json = unknown;

/** "/task" for slash commands, the name itself for context menus. */
export function commandLabel(command: { name: string; type?: number }): string {
  return (command.type ?? 1) === 1
    ? `/${command.name}`
    : `"${command.name}" (${command.type === 3 ? "message" : "user"} menu)`;
}

const identity = (command: { name: string; type?: number }) => `${command.type ?? 1}:${command.name}`;

/**
 * What a bulk overwrite would change. Discord answers with more fields than we send (ids, versions,
 * defaults), so only what we define is compared, and an absent value equals its default.
 */
export function diffCommands(
  wanted: readonly RESTPostAPIApplicationCommandsJSONBody[],
  registered: readonly ({ name: string; type?: number } & Record<string, Json>)[],
): CommandDiff {
  const remote = new Map(registered.map((command) => [identity(command), command]));
  const diff: CommandDiff = { added: [], updated: [], removed: [], unchanged: [] };
  for (const command of wanted) {
    const current = remote.get(identity(command));
    remote.delete(identity(command));
    if (!current) diff.added.push(commandLabel(command));
    else if (sameAs(command, current)) diff.unchanged.push(commandLabel(command));
    else diff.updated.push(commandLabel(command));
  }
  for (const command of remote.values()) diff.removed.push(commandLabel(command));
  return diff;
}

function sameAs(local: Json, remote: Json): boolean {
  if (isEmpty(local)) return isEmpty(remote);
  if (Array.isArray(local)) {
    return (
      Array.isArray(remote) &&
      local.length === remote.length &&
      local.every((item, i) => sameAs(item, remote[i]))
    );
  }
  if (typeof local === "object" && local !== null) {
    if (typeof remote !== "object" || remote === null || Array.isArray(remote)) return false;
    return Object.entries(local).every(([key, value]) =>
      sameAs(value, (remote as Record<string, Json>)[key]),
    );
  }
  // Discord returns default_member_permissions as a string; numbers compare by value.
  return String(local) === String(remote);
}

/** undefined, null, false, "" and [] are how Discord leaves a default out. */
function isEmpty(value: Json): boolean {
  return (
    value === undefined ||
    value === null ||
    value === false ||
    value === "" ||
    (Array.isArray(value) && value.length === 0)
  );
}
