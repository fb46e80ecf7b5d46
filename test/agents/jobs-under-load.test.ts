import { afterEach, describe, expect, it } from "vitest";
import { createLocalSignalHub } from "../../src/cache/local-signals.ts";
import type { Signals } from "../../src/cache/types.ts";
import { type Jobs, startJobs } from "../../src/jobs/start-jobs.ts";
import { silentLogger } from "../../src/log.ts";
import { actorEverywhere, systemReader } from "../../src/services/actors.ts";
import type { ActionContext } from "../../src/services/contracts.ts";
import { createJobService } from "../../src/services/jobs/index.ts";
import { DRIVERS, type Harness, openHarness } from "../services/support/harness.ts";

const GUILD = "210000000000000001";
const LANE = "210000000000000002";
const ADMIN = "210000000000000003";
const AGENT = "210000000000000010";
const BOT = "210000000000000099";

const asAdmin: ActionContext = {
  guildId: GUILD,
  channelId: LANE,
  actor: actorEverywhere({ userId: ADMIN, permissions: ["manage_guild", "manage_channels"] }),
  source: "slash",
};

let harness: Harness | undefined;
let jobs: Jobs | undefined;
let busy: NodeJS.Timeout | undefined;
afterEach(async () => {
  clearInterval(busy);
  await jobs?.stop();
  await harness?.close();
  harness = undefined;
  jobs = undefined;
});

describe.each(DRIVERS)("background jobs on a busy bot (%s)", (driver) => {
  it("a new task is auto-assigned while changes elsewhere arrive every 20 ms, long before the 60 s poll", async () => {
    const h = await openHarness(driver);
    harness = h;
    const hub = createLocalSignalHub(silentLogger);
    const signals: Signals = { publish: async (signal) => hub.emit(signal), subscribe: hub.subscribe };
    jobs = startJobs({
      jobs: createJobService({
        database: h.database,
        cache: h.cache,
        log: silentLogger,
        now: h.clock.now,
        tasks: h.tasks,
      }),
      log: silentLogger,
      systemUserId: () => BOT,
      signals,
      intervalMs: 60_000,
    });
    await h.settings.update(asAdmin, { autoAssign: "least_loaded" });
    await h.agents.add(asAdmin, { userId: AGENT, maxConcurrent: 3 });
    // Other channels' changes, faster than the jobs' 100 ms wait after a change.
    let other = 1_000;
    busy = setInterval(() => {
      other += 1;
      hub.emit({ type: "task_changed", guildId: GUILD, taskId: other, number: other });
    }, 20);
    const task = await h.tasks.create(asAdmin, { title: "Hand me out" });
    hub.emit({ type: "task_changed", guildId: GUILD, taskId: task.id, number: task.number });

    const deadline = Date.now() + 5_000;
    let assignee: string | null = null;
    while (assignee === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      assignee = (await h.tasks.get(systemReader(GUILD), task.number)).assigneeId;
    }
    expect(assignee).toBe(AGENT);
  });
});
