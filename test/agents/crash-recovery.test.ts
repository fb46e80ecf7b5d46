import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { REST } from "discord.js";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployCommands } from "../../src/deploy-commands.ts";
import { DiscordStandIn } from "../stand-in/index.ts";
import { createTestDatabase, type TestDatabase, testRedisUrl } from "../support/test-db.ts";
import { isAssignment, until, WORLD } from "./agent-world.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TOKEN = "crash-test-token";

let discord: DiscordStandIn;
let testDb: TestDatabase;
const children: ChildProcess[] = [];

beforeAll(async () => {
  discord = await DiscordStandIn.start(WORLD);
  testDb = await createTestDatabase();
  const rest = new REST({ api: discord.apiUrl }).setToken(TOKEN);
  await deployCommands({ rest, applicationId: discord.applicationId, guildId: discord.guild("HQ").id });
}, 60_000);

afterAll(async () => {
  for (const child of children) await stopBot(child, "SIGTERM");
  await discord?.stop();
  await testDb?.drop();
});

/** `tsx src/main.ts` as operators run it, in a process group of its own so a kill reaches the node under tsx. */
async function startBot(): Promise<ChildProcess> {
  const child = spawn(`${ROOT}node_modules/.bin/tsx`, ["src/main.ts"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: discord.apiUrl,
      DATABASE_URL: testDb.url,
      REDIS_URL: testRedisUrl(),
      HTTP_PORT: "0",
      HTTP_HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
    },
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await until(() => output.includes('"msg":"tasklane ready"') || child.exitCode !== null, 30_000);
  if (child.exitCode !== null) throw new Error(`the bot exited at start-up:\n${output}`);
  return child;
}

async function stopBot(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    // SIGKILL cannot be relayed, so it goes to the whole group; SIGTERM goes to tsx, which passes it on.
    process.kill(signal === "SIGKILL" ? -child.pid : child.pid, signal);
  } catch {
    return;
  }
  await exited;
}

async function outboxRows(kind: string) {
  const client = new pg.Client({ connectionString: testDb.url });
  await client.connect();
  try {
    const result = await client.query(
      "SELECT state, discord_message_id, nonce FROM outbox WHERE kind = $1 ORDER BY id",
      [kind],
    );
    return result.rows as { state: string; discord_message_id: string | null; nonce: string }[];
  } finally {
    await client.end();
  }
}

const assignmentsTo = (userId: string) =>
  discord
    .channelMessages("lane")
    .filter((message) => message.content.startsWith(`<@${userId}>`) && isAssignment(message));

describe("a bot killed between commit and send (real child process, stand-in, Postgres, Redis)", () => {
  it("after a SIGKILL and a restart, the assignment is sent once", async () => {
    const agent = discord.user("agent-8").id;
    const first = await startBot();
    await discord
      .sendSlashCommand({
        channelId: "lane",
        userId: "alice",
        name: "tasklane",
        group: "agent",
        subcommand: "add",
        options: { user: agent },
      })
      .reply({ timeoutMs: 5_000 });
    await discord
      .sendSlashCommand({
        channelId: "lane",
        userId: "alice",
        name: "task",
        subcommand: "create",
        options: { title: "Survive a crash" },
      })
      .reply({ timeoutMs: 5_000 });

    // Discord holds the notification's create: the send is in flight when the bot dies.
    const held = discord.injectFault({
      method: "POST",
      route: "/channels/:channelId/messages",
      where: (request) => JSON.stringify(request.body ?? {}).includes(`"users":["${agent}"]`),
      delayMs: 60_000,
      status: 503,
      times: 1,
    });
    await discord
      .sendSlashCommand({
        channelId: "lane",
        userId: "alice",
        name: "task",
        subcommand: "assign",
        options: { task: 1, assignee: agent },
      })
      .reply({ timeoutMs: 5_000 });
    await until(() => held.hits === 1, 10_000);

    await stopBot(first, "SIGKILL");
    expect(first.signalCode).toBe("SIGKILL");
    expect((await outboxRows("assignment")).map((row) => row.state)).toEqual(["pending"]);
    expect(assignmentsTo(agent)).toEqual([]);

    const second = await startBot();
    const sent = await until(() => assignmentsTo(agent)[0], 40_000);
    await until(async () => (await outboxRows("assignment"))[0]?.state === "sent", 5_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(assignmentsTo(agent)).toHaveLength(1);
    const [row] = await outboxRows("assignment");
    expect(row).toMatchObject({ state: "sent", discord_message_id: sent.id, nonce: String(sent.nonce) });
    expect(sent.mentions.map((user) => user.id)).toEqual([agent]);
    await stopBot(second, "SIGTERM");
    expect(second.exitCode).toBe(0);
  }, 90_000);
});
