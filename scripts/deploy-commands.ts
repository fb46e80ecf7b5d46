import { REST, Routes } from "discord.js";
import { ConfigError, loadConfig } from "../src/config.ts";
import { deployCommands } from "../src/deploy-commands.ts";
import type { CommandDiff } from "../src/discord/command-diff.ts";
import { loadEnvFile } from "../src/load-env-file.ts";

/**
 * `npm run commands:deploy`: registers the commands to DISCORD_GUILD_ID (at once) or globally (Discord
 * may take up to an hour), and prints what changed. Honours DISCORD_API_URL.
 */
try {
  loadEnvFile();
  const config = loadConfig();
  if (!config.DISCORD_TOKEN) {
    console.error(
      "DISCORD_TOKEN is not set: commands are registered with the bot's token (developer portal → Bot → Reset Token).",
    );
    process.exit(1);
  }
  const rest = new REST(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}).setToken(
    config.DISCORD_TOKEN,
  );
  const applicationId =
    config.DISCORD_APP_ID ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  const guildId = config.DISCORD_GUILD_ID;
  const where = guildId ? `server ${guildId}` : "all servers (global)";
  const diff = await deployCommands({ rest, applicationId, guildId });
  if (diff.added.length + diff.updated.length + diff.removed.length === 0) {
    console.log(`Commands for ${where} are up to date (${diff.unchanged.length} commands).`);
  } else {
    console.log(`Deployed commands to ${where}:`);
    printDiff(diff);
    if (!guildId) console.log("Global commands may take up to an hour to appear everywhere.");
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
