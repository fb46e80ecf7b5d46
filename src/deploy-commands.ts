import { type REST, Routes } from "discord.js";
import { commandDefinitions } from "../commands/index.ts";
import { type CommandDiff, diffCommands } from "./discord/command-diff.ts";

export interface DeployTarget {
  rest: REST;
  applicationId: string;
  /** One server (changes show at once); without it, global. */
  guildId?: string;
}

/**
 * Registers commands/index.ts's list: compares with what is registered and, when anything differs,
 * overwrites in one bulk call. Used by `npm run commands:deploy`, the sandbox and the tests.
 */
export async function deployCommands({ rest, applicationId, guildId }: DeployTarget): Promise<CommandDiff> {
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  const registered = (await rest.get(route)) as Parameters<typeof diffCommands>[1];
  const diff = diffCommands(commandDefinitions, registered);
  if (diff.added.length + diff.updated.length + diff.removed.length > 0) {
    await rest.put(route, { body: commandDefinitions });
  }
  return diff;
}
