import { type SQL, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createMemoryCache } from "../../src/cache/memory-cache.ts";
import { silentLogger } from "../../src/log.ts";
import { systemReader } from "../../src/services/actors.ts";
import type { ActionContext, ListFilters, TaskService } from "../../src/services/contracts.ts";
import type { Page } from "../../src/services/views.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { memberIn, newScene, snowflake, user } from "./support/scene.ts";

type Scene = Awaited<ReturnType<typeof newScene>>;
type Numbered = { number: number };

/** Every page of a list, forwards; then back again from the last page with prevCursor. */
async function allPages<T extends Numbered>(
  read: (cursor: string | null) => Promise<Page<T>>,
): Promise<{ forward: number[]; backward: number[]; total: number }> {
  const pages: Page<T>[] = [];
  let cursor: string | null = null;
  do {
    const page = await read(cursor);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 50);
  const backward: number[] = [];
  let back = pages.at(-1)!.prevCursor;
  while (back !== null) {
    const page = await read(back);
    backward.unshift(...page.items.map((item) => item.number));
    back = page.prevCursor;
  }
  backward.push(...pages.at(-1)!.items.map((item) => item.number));
  return {
    forward: pages.flatMap((page) => page.items.map((item) => item.number)),
    backward,
    total: pages[0]!.total,
  };
}

describe.each(DRIVERS)("lists, search and stats on their scale paths (%s)", (driver) => {
  const h = useHarness(driver);

  describe("the label list", () => {
    let s: Scene;
    const hidden = snowflake();
    let member: ActionContext;

    beforeAll(async () => {
      s = await newScene(h, { requireReview: false, queueLimit: 200 });
      await h.settings.update(s.ctx(s.admin, "slash", hidden), { requireReview: false });
      const labelsOf = ["api", "ui", "api, ui", "docs", "", "api, docs, ui"];
      for (let i = 0; i < 36; i += 1) {
        await h.tasks.create(s.ctx(s.creator, "slash", i % 4 === 3 ? hidden : s.channelId), {
          title: `Task ${i}`,
          labels: labelsOf[i % labelsOf.length],
          priority: i % 5 === 0 ? "high" : "medium",
        });
      }
      const dev = user();
      for (const number of [2, 5, 9, 14, 20, 27, 33]) {
        const ctx = s.ctx(dev, "slash", number % 4 === 0 ? hidden : s.channelId);
        await h.tasks.transition(ctx, { number, action: "claim" });
        await h.tasks.transition(ctx, { number, action: "start" });
        if (number % 3 === 0) await h.tasks.transition(ctx, { number, action: "submit" });
      }
      for (const number of [3, 11, 30])
        await h.tasks.transition(s.ctx(s.creator, "slash", number % 4 === 0 ? hidden : s.channelId), {
          number,
          action: "cancel",
          text: "not needed",
        });
      member = s.ctx(memberIn({ [s.channelId]: "send" }));
    });

    /** What a list of the label means, read straight from tasks.labels (no task_labels). */
    const expected = async (label: string, where: SQL) =>
      (
        await h.rows<{ number: number }>(
          sql`SELECT number FROM tasks t WHERE t.guild_id = ${s.guildId} AND ${label} = ANY (t.labels) AND ${where}
            ORDER BY number DESC`,
        )
      ).map((row) => Number(row.number));

    const cases: [string, ListFilters, SQL][] = [
      ["live", { label: "api" }, sql`t.status IN ('open', 'in_progress', 'in_review', 'blocked')`],
      ["all statuses", { label: "ui", status: "all" }, sql`true`],
      ["done", { label: "api", status: "done" }, sql`t.status = 'done'`],
      ["in progress", { label: "ui", status: "in_progress" }, sql`t.status = 'in_progress'`],
      [
        "with a priority (joins the task)",
        { label: "api", priority: "high", status: "all" },
        sql`t.priority = 'high'`,
      ],
    ];

    async function expectSameAsTasks(
      tasks: TaskService,
      ctx: ActionContext,
      filters: ListFilters,
      where: SQL,
    ) {
      const visible = ctx === member ? sql`t.channel_id = ${s.channelId}` : sql`true`;
      const want = await expected(filters.label!, sql`${where} AND ${visible}`);
      const got = await allPages((cursor) => tasks.list(ctx, filters, { limit: 4, cursor }));
      expect(got.forward).toEqual(want);
      expect(got.backward).toEqual(want);
      expect(got.total).toBe(want.length);
      return want;
    }

    it.each(cases)(
      "lists the label's tasks (%s) as tasks.labels says, newest first, both ways",
      async (_, filters, where) => {
        const want = await expectSameAsTasks(h.tasks, systemReader(s.guildId), filters, where);
        expect(want.length).toBeGreaterThan(0);
      },
    );

    it("leaves out the tasks of a channel the reader cannot see", async () => {
      const all = await expected("api", sql`t.status IN ('open', 'in_progress', 'in_review', 'blocked')`);
      const seen = await expectSameAsTasks(
        h.tasks,
        member,
        { label: "api" },
        sql`t.status IN ('open', 'in_progress', 'in_review', 'blocked')`,
      );
      expect(seen.length).toBeLessThan(all.length);
      expect((await h.tasks.list(member, { label: "api", status: "all", channelId: hidden })).items).toEqual(
        [],
      );
    });

    it("follows label edits, transitions and a channel's own filter", async () => {
      await h.tasks.edit(s.ctx(s.creator), 1, { labels: "docs" }); // api → docs
      await h.tasks.edit(s.ctx(s.creator), 6, { labels: "api, ui" }); // none → api, ui
      await h.tasks.edit(s.ctx(s.creator), 2, { labels: "" }); // ui → none
      await h.tasks.transition(s.ctx(s.creator), { number: 7, action: "cancel", text: "dropped" });
      for (const [, filters, where] of cases)
        await expectSameAsTasks(h.tasks, systemReader(s.guildId), filters, where);
      expect(
        (await h.tasks.list(systemReader(s.guildId), { label: "api", status: "all" })).items.map(
          (task) => task.number,
        ),
      ).toContain(6);
      expect(
        (
          await h.tasks.list(systemReader(s.guildId), { label: "api", status: "all", channelId: s.channelId })
        ).items.every((task) => task.channelId === s.channelId),
      ).toBe(true);
      // task_labels holds exactly one row per (task, label), with the task's status and channel.
      const index = await h.rows(sql`SELECT label, number, channel_id, status FROM task_labels
        WHERE guild_id = ${s.guildId} ORDER BY label, number`);
      const fromTasks = await h.rows(sql`SELECT DISTINCT label, t.number, t.channel_id, t.status
        FROM tasks t CROSS JOIN LATERAL unnest(t.labels) AS label
        WHERE t.guild_id = ${s.guildId} ORDER BY label, t.number`);
      expect(index).toEqual(fromTasks);
    });

    it("a label list sorted by due date keeps to the label", async () => {
      await h.tasks.edit(s.ctx(s.creator), 12, { due: "3d" });
      await h.tasks.edit(s.ctx(s.creator), 8, { due: "2d" });
      await h.tasks.edit(s.ctx(s.creator), 6, { due: "1d" });
      await h.tasks.edit(s.ctx(s.creator), 10, { due: "1h" }); // docs only
      const numbers = (await h.tasks.list(systemReader(s.guildId), { label: "ui", sort: "due" })).items.map(
        (task) => task.number,
      );
      const want = await expected(
        "ui",
        sql`t.due_at IS NOT NULL AND t.status IN ('open', 'in_progress', 'in_review', 'blocked')`,
      );
      expect([...numbers].sort((a, b) => a - b)).toEqual([...want].sort((a, b) => a - b));
      expect(numbers).toEqual([6, 8, 12]);
    });
  });

  describe("search", () => {
    const guildId = snowflake();
    const open = snowflake();
    const closed = snowflake();
    const member = (): ActionContext => ({
      guildId,
      channelId: open,
      actor: memberIn({ [open]: "send" }),
      source: "slash",
    });

    beforeAll(async () => {
      // 2,600 tasks numbered 97 apart (up to 291,000, so windows of every block size), 400 missing in
      // the middle. Every task has "common";
      // "alpha beta" meet every 77th task, "gamma" only in the oldest, "delta" in 3 of 5, "omega" in 2 tasks.
      await h.rows(sql`
        INSERT INTO tasks (guild_id, channel_id, number, title, description, labels, created_by, status)
        SELECT ${guildId}, CASE WHEN n % 3 = 0 THEN ${closed} ELSE ${open} END, n * 97,
          'common task ' || n
            || CASE WHEN n % 7 = 0 THEN ' alpha' ELSE '' END
            || CASE WHEN n % 11 = 0 THEN ' beta' ELSE '' END,
          'common words ' || repeat('common ', n % 4)
            || CASE WHEN n < 300 THEN ' gamma' ELSE '' END
            || CASE WHEN n % 5 < 3 THEN ' delta' ELSE '' END
            || CASE WHEN n IN (17, 2999) THEN ' omega' ELSE '' END,
          CASE WHEN n % 13 = 0 THEN ARRAY['alpha'] ELSE '{}'::text[] END,
          '910000000000000001', 'open'
        FROM generate_series(1, 3000) AS n WHERE n < 1000 OR n >= 1400`);
      await h.rows(sql`ANALYZE tasks`);
    });

    /** The ranking before the search windows: one query ranking the newest 1,000 matches. */
    const reference = async (text: string, channels: readonly string[] | null) => {
      const visible = channels ? sql`c.channel_id = ANY(${sql.param([...channels])}::text[])` : sql`true`;
      const q = sql`websearch_to_tsquery('english', ${text})`;
      const ranked = await h.rows<{ number: number }>(sql`
        SELECT ranked.number FROM (
          SELECT c.number, w.search_vector FROM tasks c JOIN task_search w ON w.task_id = c.id
          WHERE c.guild_id = ${guildId} AND ${visible} AND w.search_vector @@ ${q}
          ORDER BY c.number DESC LIMIT 1000) ranked
        ORDER BY ts_rank(ranked.search_vector, ${q}) DESC, ranked.number DESC`);
      const [count] = await h.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM tasks c
        JOIN task_search w ON w.task_id = c.id
        WHERE c.guild_id = ${guildId} AND ${visible} AND w.search_vector @@ ${q}`);
      return { numbers: ranked.map((row) => Number(row.number)), matches: Number(count!.n) };
    };

    const queries = [
      "alpha beta",
      "common delta",
      "gamma common",
      "alpha -beta",
      "omega",
      '"common task"',
      "beta or gamma",
      "nothingmatches",
    ];

    it.each(queries)("ranks %j as one query over the newest 1,000 matches did", async (text) => {
      for (const [ctx, channels] of [
        [systemReader(guildId), null],
        [member(), [open]],
      ] as const) {
        const want = await reference(text, channels);
        const pages: number[] = [];
        let cursor: string | null = null;
        let first: Page<Numbered> | undefined;
        for (let i = 0; i < 4; i += 1) {
          const page: Page<Numbered> = await h.tasks.search(ctx, text, { limit: 25, cursor });
          first ??= page;
          pages.push(...page.items.map((item) => item.number));
          cursor = page.nextCursor;
          if (cursor === null) break;
        }
        expect(pages).toEqual(want.numbers.slice(0, pages.length));
        expect(pages.length).toBe(Math.min(100, want.numbers.length));
        expect(first!.total).toBe(Math.min(1000, want.matches));
        expect(first!.totalCapped).toBe(want.matches > 1000);
        if (channels) expect(pages.every((n) => (n / 97) % 3 !== 0)).toBe(true);
      }
    });

    it("a reader who sees none of the channels finds nothing", async () => {
      const outsider: ActionContext = { guildId, channelId: open, actor: memberIn({}), source: "slash" };
      expect(await h.tasks.search(outsider, "common")).toMatchObject({ items: [], total: 0 });
    });

    it("a query of stop words only finds nothing, as before", async () => {
      expect(await h.tasks.search(systemReader(guildId), "the and")).toMatchObject({ items: [], total: 0 });
    });

    it("a task with a word too long for a word key is written and found by its other words", async () => {
      const far = snowflake();
      const long = `x${"y".repeat(2_030)}`;
      // The older task is far below the first window: only a window of word blocks reaches it.
      await h.rows(sql`
        INSERT INTO tasks (guild_id, channel_id, number, title, description, created_by, status)
        SELECT ${far}, ${open}, n, 'zebra quagga ' || n, 'words ' || ${long}, '910000000000000001', 'open'
        FROM unnest(ARRAY[100000, 300000]) AS n`);
      // A search's text is at most 200 characters: the long word itself is never asked for.
      for (const text of ["zebra quagga", "quagga words"]) {
        const page = await h.tasks.search(systemReader(far), text);
        expect(page.items.map((item) => item.number)).toEqual([300000, 100000]);
        expect(page.total).toBe(2);
      }
    });

    it("text that looks like a search key finds only the tasks that contain it", async () => {
      const key = `tasklane.${guildId}.1.10`;
      expect((await h.tasks.search(systemReader(guildId), key)).items).toEqual([]);
      expect((await h.tasks.search(systemReader(guildId), `tasklane.${guildId}.w1.alpha`)).items).toEqual([]);
      expect(await h.tasks.suggest(systemReader(guildId), key)).toEqual([]);
    });
  });

  describe("stats", () => {
    it("of a channel whose tasks span several blocks of numbers equal a fresh count after changes in some blocks", async () => {
      const s = await newScene(h, { requireReview: false, queueLimit: 500 });
      const other = snowflake();
      const dev = user();
      // 160 tasks numbered 1,000 + 1,700n (four blocks of 65,536 numbers); every 5th in another channel.
      // Block 0 holds no open task: the channel's oldest open tasks come from a later block.
      await h.rows(sql`
        INSERT INTO tasks (guild_id, channel_id, number, title, description, labels, created_by, status,
          priority, assignee_id, estimate_minutes, started_at, completed_at)
        SELECT ${s.guildId}, CASE WHEN n % 5 = 4 THEN ${other} ELSE ${s.channelId} END, 1000 + n * 1700,
          'Task ' || n, '',
          CASE n % 3 WHEN 0 THEN ARRAY['api'] WHEN 1 THEN ARRAY['ui', 'docs'] ELSE '{}'::text[] END,
          '910000000000000001',
          CASE WHEN n < 39 THEN (ARRAY['done', 'cancelled', 'in_progress'])[1 + n % 3]
            ELSE (ARRAY['open', 'done', 'in_review', 'open', 'blocked', 'failed'])[1 + n % 6] END,
          (ARRAY['low', 'medium', 'high', 'critical'])[1 + n % 4],
          CASE WHEN n % 7 = 0 THEN NULL ELSE '92000000000000000' || (n % 3) END,
          CASE WHEN n % 2 = 0 THEN 30 + n END,
          CASE WHEN n % 6 <> 0 THEN now() - interval '2 days' + n * interval '1 minute' END,
          CASE WHEN n % 6 <> 0 THEN now() - interval '1 day' + n * interval '7 minutes' END
        FROM generate_series(0, 159) AS n`);
      const fresh = (channelId?: string) =>
        h
          .instances(1, createMemoryCache({ log: silentLogger }))[0]!
          .stats(systemReader(s.guildId), channelId);
      /** The channel's figures counted in one query each, without blocks. */
      const counted = async () => {
        const byStatus = await h.rows<{ status: string; n: number }>(sql`SELECT status, count(*)::int AS n
          FROM tasks WHERE guild_id = ${s.guildId} AND channel_id = ${s.channelId} GROUP BY status`);
        const labels = await h.rows<{ label: string; n: number }>(sql`SELECT label, count(*)::int AS n
          FROM tasks, unnest(labels) AS label WHERE guild_id = ${s.guildId} AND channel_id = ${s.channelId}
            AND status <> 'cancelled' GROUP BY label`);
        const oldest = await h.rows<{ number: number }>(sql`SELECT number FROM tasks
          WHERE guild_id = ${s.guildId} AND channel_id = ${s.channelId} AND status = 'open' ORDER BY number LIMIT 5`);
        return {
          byStatus: Object.fromEntries(byStatus.map((row) => [row.status, Number(row.n)])),
          labels: Object.fromEntries(labels.map((row) => [row.label, Number(row.n)])),
          oldest: oldest.map((row) => Number(row.number)),
        };
      };
      const expectCounted = async (stats: Awaited<ReturnType<typeof fresh>>) => {
        const want = await counted();
        expect(Object.fromEntries(Object.entries(stats.byStatus).filter(([, n]) => n > 0))).toEqual(
          want.byStatus,
        );
        expect(Object.fromEntries(stats.labels.map((row) => [row.label, row.total]))).toEqual(want.labels);
        expect(stats.oldestOpen.map((task) => task.number)).toEqual(want.oldest);
      };
      const before = await h.tasks.stats(systemReader(s.guildId), s.channelId);
      expect(before).toEqual(await fresh(s.channelId));
      await expectCounted(before);
      expect(before.oldestOpen[0]!.number).toBeGreaterThan(65_536);
      const guildBefore = await h.tasks.stats(systemReader(s.guildId));
      expect(guildBefore).toEqual(await fresh());
      // Changes in blocks 1 and 3 (the oldest open task among them); blocks 0 and 2 stay cached.
      const ctx = s.ctx(dev, "slash", s.channelId);
      const oldestOpen = before.oldestOpen[0]!.number;
      await h.tasks.transition(ctx, { number: oldestOpen, action: "claim" });
      await h.tasks.transition(ctx, { number: oldestOpen, action: "start" });
      const late = 1000 + 150 * 1700; // block 3, open
      await h.tasks.transition(s.ctx(s.reviewer, "slash", s.channelId), {
        number: late,
        action: "cancel",
        text: "no",
      });
      await h.tasks.edit(s.ctx(s.admin, "slash", s.channelId), 1000 + 61 * 1700, {
        labels: "ui, api, new",
      });
      const after = await h.tasks.stats(systemReader(s.guildId), s.channelId);
      expect(after).toEqual(await fresh(s.channelId));
      await expectCounted(after);
      expect(after).not.toEqual(before);
      expect(after.oldestOpen[0]!.number).not.toBe(oldestOpen);
      expect(await h.tasks.stats(systemReader(s.guildId))).toEqual(await fresh());
      expect(await h.tasks.stats(systemReader(s.guildId), other)).toEqual(await fresh(other));
      // A channel without tasks has no blocks.
      expect((await h.tasks.stats(systemReader(s.guildId), snowflake())).byStatus.open).toBe(0);
    });

    it("equal a fresh count after changes in several channels, and leave out channels the reader cannot see", async () => {
      const s = await newScene(h, { requireReview: false, queueLimit: 100 });
      const [second, third] = [snowflake(), snowflake()];
      const channels = [s.channelId, second, third];
      for (const channel of [second, third])
        await h.settings.update(s.ctx(s.admin, "slash", channel), { requireReview: false });
      const dev = user();
      for (let i = 0; i < 18; i += 1) {
        await h.tasks.create(s.ctx(s.creator, "slash", channels[i % 3]), {
          title: `Work ${i}`,
          labels: ["api", "ui", "api, docs"][i % 3],
          priority: i % 4 === 0 ? "critical" : "low",
          ...(i % 2 === 0 ? { estimate: "1h" } : {}),
          ...(i % 2 === 1 ? { due: "2h" } : {}),
          ...(i % 5 === 0 ? { assigneeId: dev.userId } : {}),
        });
      }
      const fresh = () =>
        h.instances(1, createMemoryCache({ log: silentLogger }))[0]!.stats(systemReader(s.guildId));
      const before = await h.tasks.stats(systemReader(s.guildId));
      expect(before).toEqual(await fresh());
      // Changes in two of the three channels; the third's cached part stays as it was.
      const at = (n: number) => s.ctx(dev, "slash", channels[(n - 1) % 3]);
      for (const n of [1, 4, 2]) {
        if (n !== 1) await h.tasks.transition(at(n), { number: n, action: "claim" }); // #1 is dev's already
        await h.tasks.transition(at(n), { number: n, action: "start" });
      }
      h.clock.advance(90 * 60_000);
      await h.tasks.transition(at(1), { number: 1, action: "submit" });
      await h.tasks.transition(s.ctx(s.creator, "slash", channels[1]), {
        number: 5,
        action: "cancel",
        text: "no",
      });
      await h.tasks.edit(s.ctx(s.creator, "slash", channels[0]), 7, { labels: "ui, docs" });
      await h.tasks.create(s.ctx(s.creator, "slash", channels[1]), { title: "Late one", labels: "ui" });
      h.clock.advance(60 * 60_000); // past the 2h due dates: overdue is counted as of now
      const after = await h.tasks.stats(systemReader(s.guildId));
      expect(after).toEqual(await fresh());
      expect(after).not.toEqual(before);
      expect(after.overdue).toBe(9);
      const counts = await h.rows<{ status: string; n: number }>(sql`SELECT status, count(*)::int AS n
        FROM tasks WHERE guild_id = ${s.guildId} GROUP BY status`);
      for (const { status, n } of counts)
        expect(after.byStatus[status as keyof typeof after.byStatus]).toBe(Number(n));
      for (const channel of channels) {
        const cached = await h.tasks.stats(systemReader(s.guildId), channel);
        const freshPart = await h
          .instances(1, createMemoryCache({ log: silentLogger }))[0]!
          .stats(systemReader(s.guildId), channel);
        expect(cached).toEqual(freshPart);
      }
      // A reader who sees two of the channels: their figures only.
      const reader = s.ctx(memberIn({ [s.channelId]: "view", [second]: "view" }));
      const seen = await h.tasks.stats(reader);
      const [visible] = await h.rows<{ n: number; overdue: number }>(sql`SELECT count(*)::int AS n,
          count(*) FILTER (WHERE due_at < ${h.clock.now().toISOString()}::timestamptz
            AND status IN ('open', 'in_progress', 'in_review', 'blocked'))::int AS overdue
        FROM tasks WHERE guild_id = ${s.guildId} AND channel_id IN (${s.channelId}, ${second})`);
      expect(Object.values(seen.byStatus).reduce((a, b) => a + b, 0)).toBe(Number(visible!.n));
      expect(seen.overdue).toBe(Number(visible!.overdue));
      expect(seen.overdue).toBeLessThan(after.overdue);
      expect((await h.tasks.stats(reader, third)).byStatus.open).toBe(0);
    });
  });
});
