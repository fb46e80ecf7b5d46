import { describe, expect, it } from "vitest";
import type { TaskView } from "../../src/domain/task-view.ts";
import { systemReader } from "../../src/services/actors.ts";
import { testRedisUrl } from "../support/test-db.ts";
import { ctxFor, GUILD, newChannel, userId, useWorld } from "./world.ts";

describe("read-your-writes across two instances sharing one Redis", () => {
  const world = useWorld({ redisUrl: testRedisUrl(), count: 2 });

  /** After a write, the next read on either instance shows it, even with both caches warm before. */
  const expectEverywhere = async (written: TaskView) => {
    for (const { tasks } of world.instances) {
      const read = await tasks.get(systemReader(GUILD), written.number);
      expect({ status: read.status, version: read.version, title: read.title }).toEqual({
        status: written.status,
        version: written.version,
        title: written.title,
      });
    }
  };

  it("every write of a task's life is visible at once on the other instance", async () => {
    const [a, b] = world.instances as [(typeof world.instances)[0], (typeof world.instances)[0]];
    const channel = newChannel();
    const worker = userId(1);
    const created = await a.tasks.create(ctxFor(channel), { title: "Write the release notes" });
    await expectEverywhere(created);

    const steps: [typeof a, Parameters<typeof a.tasks.transition>[1], string][] = [
      [b, { number: created.number, action: "claim" }, worker],
      [a, { number: created.number, action: "start" }, worker],
      [b, { number: created.number, action: "submit", text: "draft in the doc" }, worker],
      [a, { number: created.number, action: "request_rework", text: "add the migration notes" }, userId(0)],
      [b, { number: created.number, action: "submit", text: "done" }, worker],
      [a, { number: created.number, action: "approve" }, userId(0)],
      [b, { number: created.number, action: "reopen" }, userId(0)],
    ];
    for (const [instance, input, actor] of steps) {
      const { task } = await instance.tasks.transition(ctxFor(channel, actor, actor === userId(0)), input);
      await expectEverywhere(task);
    }
    const edited = await b.tasks.edit(ctxFor(channel), created.number, {
      title: "Write the 2.0 release notes",
    });
    await expectEverywhere(edited);
  });

  it("the queue summary on the other instance shows a new task and a finished one at once", async () => {
    const [a, b] = world.instances as [(typeof world.instances)[0], (typeof world.instances)[0]];
    const channel = newChannel();
    expect((await b.tasks.queue(systemReader(GUILD), channel)).liveCount).toBe(0);
    const created = await a.tasks.create(ctxFor(channel), { title: "Triage the inbox" });
    const afterCreate = await b.tasks.queue(systemReader(GUILD), channel);
    expect(afterCreate.liveCount).toBe(1);
    expect(afterCreate.items.map((item) => item.number)).toEqual([created.number]);
    await a.tasks.transition(ctxFor(channel), {
      number: created.number,
      action: "cancel",
      text: "duplicate",
    });
    const afterCancel = await b.tasks.queue(systemReader(GUILD), channel);
    expect(afterCancel.liveCount).toBe(0);
    expect(afterCancel.items).toEqual([]);
  });

  it("a write is never undone by a reader racing it on the other instance", async () => {
    const [a, b] = world.instances as [(typeof world.instances)[0], (typeof world.instances)[0]];
    const channel = newChannel();
    const created = await a.tasks.create(ctxFor(channel), { title: "Version 1" });
    let reading = true;
    const readers = Array.from({ length: 4 }, async () => {
      while (reading) await b.tasks.get(systemReader(GUILD), created.number);
    });
    try {
      for (let version = 2; version <= 30; version += 1) {
        const edited = await a.tasks.edit(ctxFor(channel), created.number, { title: `Version ${version}` });
        for (const instance of [a, b]) {
          expect((await instance.tasks.get(systemReader(GUILD), created.number)).title).toBe(edited.title);
        }
      }
    } finally {
      reading = false;
      await Promise.all(readers);
    }
  });
});
