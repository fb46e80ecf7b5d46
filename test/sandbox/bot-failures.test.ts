import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "../../scripts/sandbox/session.ts";
import { type Sandbox, startSandbox } from "../../scripts/sandbox/start-sandbox.ts";
import { NO_STYLE } from "../../scripts/sandbox/style.ts";
import { SETUP_LINES } from "../../scripts/sandbox/world.ts";

/**
 * What makes a --script run exit 1: the bot not answering within Discord's 3 s, an answer that
 * quotes an error reference, a REST call Discord does not have. The real bot, in-process.
 */
describe("the sandbox notices when the bot fails to answer", () => {
  let sandbox: Sandbox;
  let session: Session;
  let shown: string[] = [];
  const run = async (line: string) => {
    shown = [];
    return session.run(line);
  };

  beforeAll(async () => {
    sandbox = await startSandbox();
    session = new Session(sandbox.standIn, { style: NO_STYLE, width: 80, print: (text) => shown.push(text) });
    expect(await session.runQuietly(SETUP_LINES)).toEqual([]);
  }, 120_000);
  afterAll(async () => {
    session?.close();
    await sandbox?.stop().catch(() => undefined);
  });

  it("counts nothing when the bot answers", async () => {
    const result = await run('/task create title:"Write the changelog"');
    expect(result.failures).toEqual([]);
    expect(shown.join("\n")).toContain("#1 · Write the changelog");
  });

  it("a Discord-client refusal is shown but is not the bot's failure", async () => {
    const result = await run("/task create priority:high");
    expect(result).toMatchObject({ refused: true, failures: [] });
    expect(shown.join("\n")).toContain('"title" is required');
  });

  it("an answer later than 3 s is 'the application did not respond'", async () => {
    sandbox.standIn.injectFault({ route: "/interactions/:interactionId/:token/callback", delayMs: 3_300 });
    const result = await run("/tasks mine");
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatch(/did not respond: no answer to \/tasks mine within 3 s/);
    expect(shown.join("\n")).toContain("✗ the bot failed");
  }, 20_000);

  it("a mention that gets no reply is a failure (agents are never answered with silence)", async () => {
    const fault = sandbox.standIn.injectFault({
      method: "POST",
      route: "/channels/:channelId/messages",
      status: 403,
      forMs: 4_000,
    });
    await run("as robo");
    const result = await run("say @Tasklane next");
    fault.remove();
    expect(result.failures).toEqual(["no reply to robo's mention within 3 s"]);
  }, 20_000);

  it("a REST call to a route Discord does not have is a failure", async () => {
    await fetch(`${sandbox.standIn.apiUrl}/v10/applications/${sandbox.standIn.applicationId}/not-a-route`, {
      headers: { authorization: "Bot sandbox-token-not-a-real-discord-token" },
    });
    const result = await run("as alice");
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatch(
      /called GET \/applications\/\d+\/not-a-route, which Discord does not have \(404\)/,
    );
  });

  it("an apology with an error reference is a failure", async () => {
    // The embedded database goes away under the bot: the next command can only apologise.
    await sandbox.app.database.close();
    const result = await run("/tasks queue");
    expect(shown.join("\n")).toMatch(/something went wrong on our side \(ref/);
    expect(result.failures).toEqual([expect.stringMatching(/answered with an error \(ref [0-9A-F]{8}\)/)]);
  }, 20_000);
});
