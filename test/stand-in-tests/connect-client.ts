import { once } from "node:events";
import { Client, type ClientOptions, Events, GatewayIntentBits } from "discord.js";
import { DiscordStandIn, type StandInOptions } from "../stand-in/index.ts";
import { useInSuite } from "../support/use-in-suite.ts";

/** A small server: an owner, an admin, two members, a reviewer and a bot agent. */
export const TEST_WORLD: StandInOptions = {
  guilds: [
    {
      name: "Tasklane HQ",
      owner: "olivia",
      roles: [
        { name: "Admin", permissions: ["Administrator"] },
        { name: "Reviewer", permissions: ["ManageMessages"], mentionable: true },
      ],
      channels: [
        "general",
        "backend",
        { name: "announcements", overwrites: [{ role: "@everyone", deny: ["SendMessages"] }] },
      ],
      members: [
        "olivia",
        { username: "alice", roles: ["Admin"] },
        "bob",
        { username: "rita", roles: ["Reviewer"] },
        { username: "agent-7", bot: true },
      ],
    },
  ],
};

export interface Connected {
  discord: DiscordStandIn;
  client: Client<true>;
  close(): Promise<void>;
}

/** Starts a stand-in and logs a real discord.js client into it; resolves once the client is ready. */
export async function connectClient(
  options: StandInOptions = TEST_WORLD,
  clientOptions: Partial<ClientOptions> = {},
): Promise<Connected> {
  const discord = await DiscordStandIn.start({ ...TEST_WORLD, ...options });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    ...clientOptions,
    rest: { api: discord.apiUrl, ...clientOptions.rest },
  });
  const ready = once(client, Events.ClientReady);
  await client.login("fake-token");
  await ready;
  return {
    discord,
    client: client as Client<true>,
    async close() {
      await client.destroy();
      await discord.stop();
    },
  };
}

/** A connected client for the enclosing suite: connected in beforeAll, closed in afterAll. */
export function useConnectedClient(
  options: StandInOptions = TEST_WORLD,
  clientOptions: Partial<ClientOptions> = {},
): Connected {
  return useInSuite(
    "the client",
    () => connectClient(options, clientOptions),
    (connected) => connected.close(),
  );
}
