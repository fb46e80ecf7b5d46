import { REST, Routes } from "discord.js";
import { commandDefinitions } from "../commands/index.ts";
import { ConfigError, loadConfig } from "../src/config.ts";
import { type CommandDiff, diffCommands } from "../src/discord/command-diff.ts";
import { loadEnvFile } from "../src/load-env-file.ts";

/**
 * `npm run commands:deploy`: registers commands/index.ts's list with Discord, to DISCORD_GUILD_ID (at
 * once) or globally (Discord may take up to an hour), and prints what changed. Honours DISCORD_API_URL.
 */
try {
  loadEnvFile();
  const config = loadConfig();
  if (!config.DISCORD_TOKEN) {
    console.error(
      "DISCORD_TOKEN is not set: the commands are registered with the bot's token (Bot → Reset Token).",
    );
    process.exit(1);
  }
  const rest = new REST(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}).setToken(
    config.DISCORD_TOKEN,
  );
  const applicationId =
    config.DISCORD_APP_ID ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  const route = config.DISCORD_GUILD_ID
    ? Routes.applicationGuildCommands(applicationId, config.DISCORD_GUILD_ID)
    : Routes.applicationCommands(applicationId);
  const where = config.DISCORD_GUILD_ID ? `server ${config.DISCORD_GUILD_ID}` : "all servers (global)";

  const registered = (await rest.get(route)) as Parameters<typeof diffCommands>[1];
  const diff = diffCommands(commandDefinitions, registered);
  if (diff.added.length + diff.updated.length + diff.removed.length === 0) {
    console.log(`Commands for ${where} are up to date (${diff.unchanged.length} commands).`);
  } else {
    await rest.put(route, { body: commandDefinitions });
    console.log(`Deployed ${commandDefinitions.length} commands to ${where}:`);
    printDiff(diff);
    if (!config.DISCORD_GUILD_ID) console.log("Global commands may take up to an hour to appear everywhere.");
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  console.error(`Deploying commands failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

function printDiff(diff: CommandDiff): void {
  for (const label of diff.added) console.log(`  + added    ${label}`);
  for (const label of diff.updated) console.log(`  ~ updated  ${label}`);
  for (const label of diff.removed) console.log(`  - removed  ${label}`);
  for (const label of diff.unchanged) console.log(`    same     ${label}`);
}
