import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { TransitionAction } from "../../src/domain/transitions.ts";
import { systemReader } from "../../src/services/actors.ts";
import type { EventSource } from "../../src/store/schema.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { newScene } from "./support/scene.ts";

describe.each(DRIVERS)("task lifecycle (%s)", (driver) => {
  const h = useHarness(driver);

  it("create → claim → start → submit → rework → submit → approve leaves exactly these events and reviews", async () => {
    const s = await newScene(h);
    const created = await h.tasks.create(s.ctx(s.creator), {
      title: "  Fix the login page  ",
      description: "Users see a 500",
      priority: "High",
      labels: "Bug, frontend",
      estimate: "2h",
    });
    expect(created).toMatchObject({
      number: 1,
      title: "Fix the login page",
      status: "open",
      priority: "high",
      labels: ["bug", "frontend"],
      estimateMinutes: 120,
      createdBy: s.creator.userId,
      assigneeId: null,
      version: 1,
      lastEvent: { actorId: s.creator.userId, kind: "created" },
    });

    const step = (
      actor: typeof s.member,
      action: TransitionAction,
      extra: Record<string, unknown> = {},
      source: EventSource = "slash",
    ) => h.tasks.transition(s.ctx(actor, source), { number: 1, action, ...extra });
    await step(s.member, "claim");
    await step(s.member, "start");
    await step(s.member, "submit", { text: "first try" });
    const rework = await step(
      s.reviewer,
      "request_rework",
      { text: "Missing a test", expectedVersion: 4 },
      "button",
    );
    expect(rework.task).toMatchObject({ status: "in_progress", reworkCount: 1, version: 5 });
    await step(s.member, "submit", { text: "with a test" });
    const done = await step(s.reviewer, "approve", { text: "Nice", expectedVersion: 6 }, "button");
    expect(done.task).toMatchObject({
      status: "done",
      assigneeId: s.member.userId,
      reworkCount: 1,
      version: 7,
    });
    expect(done.task.completedAt).not.toBeNull();
    expect(done.task.startedAt).not.toBeNull();

    const history = await h.tasks.history(systemReader(s.guildId), 1);
    expect(history.total).toBe(7);
    expect(
      history.items
        .map((event) => ({
          actor: event.actorId,
          kind: event.kind,
          from: event.fromStatus,
          to: event.toStatus,
          details: event.details,
          source: event.source,
        }))
        .reverse(),
    ).toEqual([
      {
        actor: s.creator.userId,
        kind: "created",
        from: null,
        to: "open",
        details: { title: "Fix the login page" },
        source: "slash",
      },
      {
        actor: s.member.userId,
        kind: "claimed",
        from: "open",
        to: "open",
        details: { assigneeId: s.member.userId },
        source: "slash",
      },
      {
        actor: s.member.userId,
        kind: "started",
        from: "open",
        to: "in_progress",
        details: { attempt: 1 },
        source: "slash",
      },
      {
        actor: s.member.userId,
        kind: "submitted",
        from: "in_progress",
        to: "in_review",
        details: { note: "first try" },
        source: "slash",
      },
      {
        actor: s.reviewer.userId,
        kind: "rework_requested",
        from: "in_review",
        to: "in_progress",
        details: { reason: "Missing a test" },
        source: "button",
      },
      {
        actor: s.member.userId,
        kind: "submitted",
        from: "in_progress",
        to: "in_review",
        details: { note: "with a test" },
        source: "slash",
      },
      {
        actor: s.reviewer.userId,
        kind: "approved",
        from: "in_review",
        to: "done",
        details: { comment: "Nice" },
        source: "button",
      },
    ]);

    expect(await h.tasks.reviews(systemReader(s.guildId), 1)).toMatchObject([
      { reviewerId: s.reviewer.userId, verdict: "changes_requested", comment: "Missing a test" },
      { reviewerId: s.reviewer.userId, verdict: "approved", comment: "Nice" },
    ]);

    const outbox = await h.rows<{
      kind: string;
      payload: unknown;
      coalesce_key: string;
      nonce: string;
      channel_id: string;
    }>(
      sql`SELECT kind, payload, coalesce_key, nonce, channel_id FROM outbox WHERE task_id = ${created.id} ORDER BY id`,
    );
    // Seven card refreshes; the rework told to its assignee; reviewers told twice; the creator once.
    const kinds = outbox.map((row) => row.kind);
    expect(kinds.filter((kind) => kind === "review_request")).toHaveLength(2);
    expect(kinds.filter((kind) => kind === "creator_notice")).toHaveLength(1);
    const told = outbox.filter((row) => row.kind === "rework");
    expect(told).toHaveLength(1);
    expect(told[0]!.payload).toMatchObject({
      assigneeId: s.member.userId,
      reviewerId: s.reviewer.userId,
      reason: "Missing a test",
      rework: 1,
      attempt: 2,
    });
    const cards = outbox.filter((row) => row.kind === "card");
    expect(cards).toHaveLength(7);
    for (const row of cards) {
      expect(row).toMatchObject({
        kind: "card",
        coalesce_key: `card:${created.id}`,
        channel_id: s.channelId,
      });
      expect(row.nonce.length).toBeLessThanOrEqual(25);
    }
    expect(outbox).toHaveLength(11);
    expect(new Set(outbox.map((row) => row.nonce)).size).toBe(11);
  });

  it("refuses what the table does not allow, changes nothing and logs nothing", async () => {
    const s = await newScene(h);
    await h.tasks.create(s.ctx(s.creator), { title: "Write docs" });
    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "claim" });
    const before = await h.snapshot();
    await expect(h.tasks.transition(s.ctx(s.member), { number: 1, action: "approve" })).rejects.toMatchObject(
      {
        name: "InvalidTransitionError",
        message: "#1 is open; you can only approve a task that is in review.",
      },
    );
    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "start" });
    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "submit" });
    const inReview = await h.snapshot();
    await expect(h.tasks.transition(s.ctx(s.member), { number: 1, action: "approve" })).rejects.toMatchObject(
      {
        name: "ForbiddenError",
        message: "#1 is in review; only a reviewer can approve it.",
      },
    );
    await expect(
      h.tasks.transition(s.ctx(s.reviewer), { number: 1, action: "request_rework" }),
    ).rejects.toMatchObject({
      name: "ValidationError",
      field: "text",
    });
    expect(await h.snapshot()).toEqual(inReview);
    expect(inReview.task_events).toBe(before.task_events! + 2);
  });

  it("lets the assignee approve their own work only where the channel allows it", async () => {
    const s = await newScene(h);
    const lead = { ...s.member, roleIds: [s.reviewerRoleId] };
    await h.tasks.create(s.ctx(s.creator), { title: "Self-reviewed", assigneeId: lead.userId });
    await h.tasks.transition(s.ctx(lead), { number: 1, action: "start" });
    await h.tasks.transition(s.ctx(lead), { number: 1, action: "submit" });
    await expect(h.tasks.transition(s.ctx(lead), { number: 1, action: "approve" })).rejects.toMatchObject({
      name: "ForbiddenError",
      message: "You can't approve your own work on #1; another reviewer has to.",
    });
    await h.settings.update(s.ctx(s.admin), { allowSelfReview: true });
    const done = await h.tasks.transition(s.ctx(lead), { number: 1, action: "approve" });
    expect(done.task.status).toBe("done");
  });

  it("goes straight to done on submit where review is not required", async () => {
    const s = await newScene(h, { requireReview: false });
    await h.tasks.create(s.ctx(s.creator), { title: "Quick fix" });
    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "claim" });
    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "start" });
    const result = await h.tasks.transition(s.ctx(s.member), { number: 1, action: "submit", text: "done" });
    expect(result.task).toMatchObject({ status: "done" });
    expect(result.task.completedAt).not.toBeNull();
    const [event] = (await h.tasks.history(systemReader(s.guildId), 1)).items;
    expect(event).toMatchObject({
      kind: "submitted",
      fromStatus: "in_progress",
      toStatus: "done",
      details: { reviewSkipped: true },
    });
    expect(await h.tasks.reviews(systemReader(s.guildId), 1)).toEqual([]);
  });

  it("tells the loser of a stale button what happened", async () => {
    const s = await newScene(h);
    const task = await h.tasks.create(s.ctx(s.creator), { title: "Contested" });
    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "claim", expectedVersion: task.version });
    const other = { ...s.creator };
    await expect(
      h.tasks.transition(s.ctx(other, "button"), {
        number: 1,
        action: "claim",
        expectedVersion: task.version,
      }),
    ).rejects.toMatchObject({
      name: "ConflictError",
      message: `#1 was already claimed by <@${s.member.userId}>.`,
    });
    await expect(
      h.tasks.transition(s.ctx(s.creator, "button"), {
        number: 1,
        action: "cancel",
        expectedVersion: task.version,
      }),
    ).rejects.toMatchObject({
      name: "ConflictError",
      message: `#1 changed since you saw it: it was claimed by <@${s.member.userId}>.`,
    });
  });
});
