import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.ts";
import type { TransferService } from "../../src/services/contracts.ts";
import { createTransferService } from "../../src/services/transfers/index.ts";
import type { ImportReport } from "../../src/services/views.ts";
import { DRIVERS, useHarness } from "../services/support/harness.ts";
import { newScene, user } from "../services/support/scene.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const TAGGED = fixture("tasks-tagged.json");
const LEGACY = fixture("tasks-legacy.json");

/** What the fixture's master tag becomes: Task Master id → Tasklane status. */
const EXPECTED_STATUS = {
  "1": "done",
  "2": "in_progress",
  "2.1": "done",
  "2.2": "open", // depends on sibling 1 (= 2.1), which is done
  "2.3": "blocked", // deferred
  "3": "blocked", // waits for 2 (in progress); 2.1 is done
  "3.1": "in_review",
  "3.2": "blocked", // sibling 1 (= 3.1) is in review, not done
  "4": "in_review",
  "5": "cancelled",
  "6": "open", // unknown status, with a warning
} as const;

interface ImportedRow extends Record<string, unknown> {
  number: number;
  taskmaster: string;
  tag: string;
  title: string;
  description: string;
  status: string;
  priority: string;
  parent: string | null;
  depends_on: string[] | null;
  block_reason: string | null;
}

describe.each(DRIVERS)("Task Master import (%s)", (driver) => {
  const h = useHarness(driver);
  let transfers: TransferService;
  beforeAll(async () => {
    transfers = createTransferService({
      database: h.database,
      cache: h.cache,
      log: silentLogger,
      now: h.clock.now,
    });
  });

  const importedRows = (guildId: string) =>
    h.rows<ImportedRow>(sql`
      SELECT t.number, t.metadata->'source'->>'taskmaster' AS taskmaster, t.metadata->'source'->>'tag' AS tag,
        t.title, t.description, t.status, t.priority, t.metadata->>'blockReason' AS block_reason,
        p.metadata->'source'->>'taskmaster' AS parent,
        (SELECT array_agg(d2.metadata->'source'->>'taskmaster' ORDER BY d2.number) FROM task_dependencies d
           JOIN tasks d2 ON d2.id = d.depends_on_id WHERE d.task_id = t.id) AS depends_on
      FROM tasks t LEFT JOIN tasks p ON p.id = t.parent_id
      WHERE t.guild_id = ${guildId} ORDER BY t.number`);
  const byKey = (rows: ImportedRow[]) => new Map(rows.map((row) => [row.taskmaster, row]));
  const statusesOf = (rows: ImportedRow[]) =>
    Object.fromEntries(rows.map((row) => [row.taskmaster, row.status]));

  it.each([
    ["tagged", TAGGED],
    ["legacy", LEGACY],
  ])(
    'imports the %s layout: subtasks under their parent, every status, dependencies incl. "2.1" and siblings',
    async (layout, text) => {
      const s = await newScene(h);
      const report = await transfers.importTaskMaster(s.ctx(s.admin, "import"), { text });
      expect(report).toMatchObject({ dryRun: false, tag: "master", layout, unchanged: 0, updated: [] });
      expect(report.created).toHaveLength(11);
      expect(report.createdByStatus).toEqual({
        done: 2,
        in_progress: 1,
        open: 2,
        blocked: 3,
        in_review: 2,
        cancelled: 1,
      });
      expect(report.warnings).toEqual([
        expect.stringMatching(
          /tasks\[5\]\.status: status "waiting-on-vendor" is not a Task Master status; imported as open$/,
        ),
        expect.stringMatching(
          /tasks\[5\]\.priority: priority "urgent" is not low, medium, high or critical; imported as medium$/,
        ),
      ]);

      const rows = await importedRows(s.guildId);
      expect(statusesOf(rows)).toEqual(EXPECTED_STATUS);
      const tasks = byKey(rows);
      expect(rows.every((row) => row.tag === "master")).toBe(true);
      expect(tasks.get("2.1")).toMatchObject({ parent: "2", title: "Users and sessions tables" });
      expect(tasks.get("3.2")).toMatchObject({ parent: "3", depends_on: ["3.1"] });
      expect(tasks.get("2.2")?.depends_on).toEqual(["2.1"]);
      expect(tasks.get("2.3")).toMatchObject({ depends_on: ["2.2"], block_reason: "deferred" });
      expect(tasks.get("3")).toMatchObject({
        depends_on: ["2", "2.1"],
        block_reason: null,
        priority: "medium",
      });
      expect(tasks.get("1")).toMatchObject({
        priority: "high",
        description:
          "Create the monorepo, lint and test on every push.\n\n**Details**\nUse npm workspaces. CI runs typecheck, lint and tests.\n\n**Test strategy**\nA pull request with a failing test is marked red.",
      });
      // parents are numbered before their subtasks
      expect(tasks.get("2")!.number).toBeLessThan(tasks.get("2.1")!.number);

      const events = await h.rows<{ kind: string; source: string; n: number }>(sql`
      SELECT kind, source, count(*)::int AS n FROM task_events WHERE guild_id = ${s.guildId} GROUP BY kind, source`);
      expect(events).toEqual([{ kind: "created", source: "import", n: 11 }]);
      const cards = await h.rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM outbox WHERE guild_id = ${s.guildId} AND kind = 'card' AND state = 'pending'`);
      expect(cards[0]!.n).toBe(11);
    },
  );

  it("a dry run reports what it would create, numbers included, and writes nothing", async () => {
    const s = await newScene(h);
    const before = await h.snapshot();
    const dry = await transfers.importTaskMaster(s.ctx(s.admin, "import"), { text: TAGGED, dryRun: true });
    expect(await h.snapshot()).toEqual(before);
    expect(dry.dryRun).toBe(true);
    expect(dry.created.map((task) => task.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const real = await transfers.importTaskMaster(s.ctx(s.admin, "import"), { text: TAGGED });
    expect(real.created).toEqual(dry.created);
  });

  it("a second run adds nothing; a changed file updates only what changed, and finishing a dependency unblocks", async () => {
    const s = await newScene(h);
    await transfers.importTaskMaster(s.ctx(s.admin, "import"), { text: TAGGED });
    const afterFirst = await h.snapshot();
    const again = await transfers.importTaskMaster(s.ctx(s.admin, "import"), { text: TAGGED });
    expect(again).toMatchObject({ created: [], updated: [], unchanged: 11 });
    expect(await h.snapshot()).toEqual(afterFirst);

    // Meanwhile someone works on task 6 in Tasklane: a re-import of an unchanged task 6 must not undo it.
    const six = byKey(await importedRows(s.guildId)).get("6")!;
    await h.tasks.transition(s.ctx(s.creator), { number: six.number, action: "claim" });
    await h.tasks.transition(s.ctx(s.creator), { number: six.number, action: "start" });

    const file = JSON.parse(TAGGED);
    const [, two] = file.master.tasks;
    two.status = "done";
    two.subtasks[1].title = "Audit events table (append-only)";
    two.subtasks[1].dependencies = [];
    const changed = await transfers.importTaskMaster(s.ctx(s.admin, "import"), {
      text: JSON.stringify(file),
    });
    expect(changed.created).toEqual([]);
    expect(changed.unchanged).toBe(9);
    expect(
      changed.updated.map(({ taskmaster, changes, status }) => ({ taskmaster, changes, status })),
    ).toEqual([
      { taskmaster: "2", changes: ["status"], status: "done" },
      { taskmaster: "2.2", changes: ["title", "dependencies"], status: "open" },
    ]);
    const rows = byKey(await importedRows(s.guildId));
    expect(rows.get("2.2")).toMatchObject({ title: "Audit events table (append-only)", depends_on: null });
    expect(rows.get("3")!.status).toBe("open"); // its dependencies 2 and 2.1 are both done now
    expect(rows.get("2.3")!.status).toBe("blocked"); // deferred stays blocked by hand
    expect(rows.get("6")!.status).toBe("in_progress");
    const events = await h.rows<{ kind: string; source: string }>(sql`
      SELECT kind, source FROM task_events WHERE guild_id = ${s.guildId} AND kind <> 'created' ORDER BY id`);
    expect(events).toEqual([
      { kind: "claimed", source: "slash" },
      { kind: "started", source: "slash" },
      { kind: "imported", source: "import" },
      { kind: "imported", source: "import" },
      { kind: "unblocked", source: "system" },
    ]);
  });

  it("keeps tags apart: another tag's tasks with the same ids are other tasks", async () => {
    const s = await newScene(h);
    await transfers.importTaskMaster(s.ctx(s.admin, "import"), { text: TAGGED });
    const billing = await transfers.importTaskMaster(s.ctx(s.admin, "import"), {
      text: TAGGED,
      tag: "feature-billing",
    });
    expect(billing).toMatchObject({ tag: "feature-billing", unchanged: 0 });
    expect(billing.created).toEqual([
      { taskmaster: "1", number: 12, title: "Pick a payment provider", status: "open" },
    ]);
    await expect(
      transfers.importTaskMaster(s.ctx(s.admin, "import"), { text: TAGGED, tag: "nope" }),
    ).rejects.toThrow('nope: no such tag; the file has "master", "feature-billing"');
  });

  const broken: [string, (file: { master: { tasks: Record<string, unknown>[] } }) => unknown, string][] = [
    [
      "a dependency on a task that does not exist",
      (file) => {
        file.master.tasks[3]!.dependencies = [9];
      },
      "master.tasks[3].dependencies[0]: task 9 does not exist",
    ],
    [
      "a subtask reference that does not exist",
      (file) => {
        file.master.tasks[2]!.dependencies = [2, "2.7"];
      },
      "master.tasks[2].dependencies[1]: subtask 2.7 does not exist",
    ],
    [
      "a title that is missing",
      (file) => {
        (file.master.tasks[1]!.subtasks as Record<string, unknown>[])[2]!.title = "  ";
      },
      "master.tasks[1].subtasks[2].title: must be non-empty text",
    ],
    [
      "a duplicate id",
      (file) => {
        file.master.tasks[4]!.id = 3;
      },
      "master.tasks[4].id: task 3 appears twice (also master.tasks[2])",
    ],
    [
      "a dependency cycle",
      (file) => {
        file.master.tasks[0]!.dependencies = [4];
      },
      "master.tasks[3].dependencies[0]: closes a dependency cycle 1 → 4 → 1",
    ],
  ];
  it.each(broken)(
    "refuses a file with %s, naming its JSON path, and writes nothing",
    async (_what, breakIt, message) => {
      const s = await newScene(h);
      const file = JSON.parse(TAGGED);
      breakIt(file);
      const before = await h.snapshot();
      await expect(
        transfers.importTaskMaster(s.ctx(s.admin, "import"), { text: JSON.stringify(file) }),
      ).rejects.toMatchObject({ name: "TaskMasterFileError", message });
      expect(await h.snapshot()).toEqual(before);
    },
  );

  it("refuses what is not JSON with its line and column", async () => {
    const s = await newScene(h);
    await expect(
      transfers.importTaskMaster(s.ctx(s.admin, "import"), {
        text: '{\n  "tasks": [\n    {"id": 1,}\n  ]\n}',
      }),
    ).rejects.toThrow(/^\$: is not valid JSON at line 3, column 1[0-9]$/);
  });

  it("refuses an import past the channel's queue limit and one by a member who can't manage the channel", async () => {
    const s = await newScene(h, { queueLimit: 5 });
    const before = await h.snapshot();
    await expect(transfers.importTaskMaster(s.ctx(s.admin, "import"), { text: TAGGED })).rejects.toThrow(
      "This import would leave 8 live tasks in this channel, whose queue limit is 5.",
    );
    await expect(transfers.importTaskMaster(s.ctx(user(), "import"), { text: TAGGED })).rejects.toMatchObject(
      {
        name: "ForbiddenError",
      },
    );
    expect(await h.snapshot()).toEqual(before);
  });

  it("two imports of one file at once create its tasks once", async () => {
    const s = await newScene(h);
    const other = createTransferService({ database: h.database, cache: h.cache, log: silentLogger });
    const reports: ImportReport[] = await Promise.all([
      transfers.importTaskMaster(s.ctx(s.admin, "import"), { text: TAGGED }),
      other.importTaskMaster(s.ctx(user(["manage_guild"]), "import"), { text: TAGGED }),
    ]);
    expect(reports.map((report) => report.created.length).sort()).toEqual([0, 11]);
    expect(await importedRows(s.guildId)).toHaveLength(11);
  });
});
