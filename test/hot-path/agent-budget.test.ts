import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RateLimiter } from "../../src/cache/types.ts";
import { testRedisUrl } from "../support/test-db.ts";
import { openWorld, type World } from "./world.ts";

/** The agents' mention-command budget (src/discord/mentions/mention-handler.ts) across two instances. */
describe("an agent's command budget, shared by two instances on one Redis", () => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld({ redisUrl: testRedisUrl(), count: 2 });
  });
  afterAll(() => world.close());

  it("mentions spread over both instances draw on one budget, and the bot is told it is spent once", async () => {
    const [a, b] = world.instances.map((instance) =>
      instance.cache.buckets("agent-commands", { capacity: 4, windowSeconds: 60 }),
    ) as [RateLimiter, RateLimiter];
    const taken = [];
    for (let i = 0; i < 6; i += 1) taken.push((await (i % 2 === 0 ? a : b).take("g:agent")).allowed);
    // Per instance, each would have allowed its 3 of the 6.
    expect(taken).toEqual([true, true, true, true, false, false]);

    const [first, second] = world.instances;
    const told = await Promise.all([
      first!.cache.claims.claim("told:budget:g:agent", 60),
      second!.cache.claims.claim("told:budget:g:agent", 60),
    ]);
    expect(told.sort()).toEqual(["lost", "won"]);
  });
});
