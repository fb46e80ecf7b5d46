import { expect, it } from "vitest";
import type { ReplyPayload } from "../../src/discord/delivery/agent-payload.ts";
import { jsonOf, useAgentWorld } from "./agent-world.ts";

const world = useAgentWorld();

it("a task created by mention gets its card in the channel at once: no reply is posting it, so the outbox does not wait out a slash reply's 10 s", async () => {
  const since = world.discord.messageMark();
  const reply = await world.mention(world.id("agent-0"), "create Write the changelog");
  expect(jsonOf<ReplyPayload>(reply)).toMatchObject({ ok: true, command: "create" });
  const card = await world.discord.waitForMessage(
    {
      channelId: "lane",
      sentBy: "bot",
      kind: "create",
      where: (message) => String(message.embeds[0]?.title ?? "").includes("Write the changelog"),
    },
    { since, timeoutMs: 5_000 },
  );
  expect(card.components.length).toBeGreaterThan(0);
  const cards = world.discord
    .channelMessages("lane")
    .filter((message) => String(message.embeds[0]?.title ?? "").includes("Write the changelog"));
  expect(cards).toHaveLength(1);
});
