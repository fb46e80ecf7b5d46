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

  it("follows a task out of the live statuses by a submit without review and by an approve (each one statement on its own)", async () => {
    const s = await newScene(h, { queueLimit: 2 });
    for (const title of ["One", "Two"]) await h.tasks.create(s.ctx(s.creator), { title });
    expect(await h.cache.gate.peek(s.channelId)).toBe(2);
    const worker = s.ctx(s.member);
    for (const number of [1, 2])
      for (const action of ["claim", "start", "submit"] as const)
        await h.tasks.transition(worker, { number, action });
    await h.tasks.transition(s.ctx(s.reviewer), { number: 1, action: "approve" });
    expect(await h.cache.gate.peek(s.channelId)).toBe(1);
    await h.settings.update(s.ctx(s.admin), { requireReview: false });
    await h.tasks.transition(s.ctx(s.reviewer), { number: 2, action: "request_rework", text: "Again" });
    await h.tasks.transition(worker, { number: 2, action: "submit" });
    expect((await h.tasks.get(worker, 2)).status).toBe("done");
    expect(await h.cache.gate.peek(s.channelId)).toBe(0);
    await h.tasks.create(s.ctx(s.creator), { title: "Three" });
    await h.tasks.create(s.ctx(s.creator), { title: "Four" });
    expect(await h.cache.gate.peek(s.channelId)).toBe(2);
  });
});
