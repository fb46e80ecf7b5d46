import { describe, expect, it } from "vitest";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { newScene } from "./support/scene.ts";

describe.each(DRIVERS)("the queue-limit counter follows only limited channels (%s)", (driver) => {
  const h = useHarness(driver);

  it("keeps no counter without a limit, counts the live tasks when a limit is set, and follows them", async () => {
    const s = await newScene(h);
    for (const title of ["One", "Two", "Three"]) await h.tasks.create(s.ctx(s.creator), { title });
    await h.tasks.transition(s.ctx(s.creator), { number: 3, action: "cancel", text: "dup" });
    expect(await h.cache.gate.peek(s.channelId)).toBeUndefined();

    await h.settings.update(s.ctx(s.admin), { queueLimit: 3 });
    expect(await h.cache.gate.peek(s.channelId)).toBe(2);

    await h.tasks.create(s.ctx(s.creator), { title: "Four" });
    expect(await h.cache.gate.peek(s.channelId)).toBe(3);
    await expect(h.tasks.create(s.ctx(s.creator), { title: "Five" })).rejects.toMatchObject({
      name: "QueueLimitError",
      count: 3,
      limit: 3,
    });
    await h.tasks.transition(s.ctx(s.creator), { number: 1, action: "cancel", text: "not needed" });
    expect(await h.cache.gate.peek(s.channelId)).toBe(2);
    await h.tasks.transition(s.ctx(s.creator), { number: 3, action: "reopen" });
    expect(await h.cache.gate.peek(s.channelId)).toBe(3);
  });
});
