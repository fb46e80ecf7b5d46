import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { newScene } from "./support/scene.ts";

describe.each(DRIVERS)("threads per task: what the services write (%s)", (driver) => {
  const h = useHarness(driver);

  const threadRows = (taskId: number) =>
    h.rows<{ state: string; thread_id: string | null }>(
      sql`SELECT state, thread_id FROM task_threads WHERE task_id = ${taskId}`,
    );
  const outboxKinds = (taskId: number) =>
    h
      .rows<{ kind: string; payload: Record<string, unknown> }>(
        sql`SELECT kind, payload FROM outbox WHERE task_id = ${taskId} ORDER BY id`,
      )
      .then((rows) => rows.map((row) => ({ kind: row.kind, payload: row.payload })));

  it("with threads on, a create asks for its thread and the outbox row that opens it, in its transaction", async () => {
    const s = await newScene(h, { threads: true });
    const task = await h.tasks.create(s.ctx(s.creator), { title: "Has a thread" });
    expect(await threadRows(task.id)).toEqual([{ state: "wanted", thread_id: null }]);
    const kinds = await outboxKinds(task.id);
    expect(kinds.filter((row) => row.kind === "thread")).toEqual([
      { kind: "thread", payload: { taskId: task.id } },
    ]);
    // The same interaction delivered again finds the task: still one thread asked for.
    const ctx = { ...s.ctx(s.creator), eventId: "1300000000000000001" };
    const first = await h.tasks.create(ctx, { title: "Once" });
    const again = await h.tasks.create(ctx, { title: "Once" });
    expect(again.id).toBe(first.id);
    expect(await threadRows(first.id)).toHaveLength(1);
    expect((await outboxKinds(first.id)).filter((row) => row.kind === "thread")).toHaveLength(1);
  });

  it("a create refused (queue full) asks for no thread; with threads off no task has one", async () => {
    const full = await newScene(h, { threads: true, queueLimit: 1 });
    await h.tasks.create(full.ctx(full.creator), { title: "Fills it" });
    const before = await h.snapshot();
    await expect(h.tasks.create(full.ctx(full.creator), { title: "Too many" })).rejects.toMatchObject({
      name: "QueueLimitError",
    });
    expect(await h.snapshot()).toEqual(before);

    const off = await newScene(h);
    const task = await h.tasks.create(off.ctx(off.creator), { title: "No thread" });
    expect(await threadRows(task.id)).toEqual([]);
    expect((await outboxKinds(task.id)).map((row) => row.kind)).not.toContain("thread");
  });

  it("a comment is posted to the thread only for a task with one, and not for a mention (its message is in the thread)", async () => {
    const s = await newScene(h, { threads: true });
    const task = await h.tasks.create(s.ctx(s.creator), { title: "Talk about me" });
    await h.tasks.comment(s.ctx(s.member), task.number, "By slash");
    await h.tasks.comment(s.ctx(s.member, "mention"), task.number, "By mention");
    const comments = (await outboxKinds(task.id)).filter((row) => row.kind === "comment");
    expect(comments).toEqual([
      { kind: "comment", payload: { taskId: task.id, authorId: s.member.userId, text: "By slash" } },
    ]);

    const off = await newScene(h);
    const plain = await h.tasks.comment(
      off.ctx(off.member),
      (await h.tasks.create(off.ctx(off.creator), { title: "Plain" })).number,
      "Only history",
    );
    expect((await outboxKinds(plain.id)).map((row) => row.kind)).not.toContain("comment");
  });

  it("a new title renames the thread (rows coalesced per task); other edits and tasks without one write none", async () => {
    const s = await newScene(h, { threads: true });
    const task = await h.tasks.create(s.ctx(s.creator), { title: "First" });
    await h.tasks.edit(s.ctx(s.creator), task.number, { title: "Second" });
    await h.tasks.edit(s.ctx(s.creator), task.number, { title: "Third" });
    await h.tasks.edit(s.ctx(s.creator), task.number, { priority: "high" });
    const renames = await h.rows<{ coalesce_key: string }>(
      sql`SELECT coalesce_key FROM outbox WHERE task_id = ${task.id} AND kind = 'thread_name'`,
    );
    expect(renames).toEqual([
      { coalesce_key: `thread_name:${task.id}` },
      { coalesce_key: `thread_name:${task.id}` },
    ]);
    const off = await newScene(h);
    const plain = await h.tasks.create(off.ctx(off.creator), { title: "Plain" });
    await h.tasks.edit(off.ctx(off.creator), plain.number, { title: "Still plain" });
    expect((await outboxKinds(plain.id)).map((row) => row.kind)).not.toContain("thread_name");
  });

  it("threads is a channel setting (default off); a value that is not true/false is refused naming it", async () => {
    const s = await newScene(h);
    expect((await h.settings.show(s.ctx(s.admin))).threads).toBe(false);
    expect((await h.settings.update(s.ctx(s.admin), { threads: true })).threads).toBe(true);
    const before = await h.snapshot();
    await expect(
      h.settings.update(s.ctx(s.admin), { threads: "yes" as unknown as boolean }),
    ).rejects.toMatchObject({ name: "ValidationError", field: "threads" });
    expect(await h.snapshot()).toEqual(before);
    expect((await h.settings.show(s.ctx(s.admin))).threads).toBe(true);
  });
});
