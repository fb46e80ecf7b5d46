import { createRunCoalescer } from "../cache/coalesce-runs.ts";
import { viewKeys } from "../cache/keys.ts";
import type { FreshView, ViewMark } from "../cache/types.ts";
import { statsBlockOf } from "../store/stats.ts";
import { engineKeys } from "./cache-keys.ts";
import type { Engine } from "./engine.ts";
import { rebuildGateCounter } from "./gate/gate-drift.ts";

/**
 * What a committed transaction must tell the cache and the other instances. Collected while the
 * transaction runs and applied only after it commits (never before: a reader could cache the old row).
 */
export class Effects {
  readonly viewKeys = new Set<string>();
  readonly changed = new Map<number, number>();
  /** Channels whose live-task count changed: their gate counter is recounted after the commit. */
  readonly gateRecount = new Set<string>();
  /** Views this transaction produced, stored as it deletes their keys (see ViewCache.del). */
  readonly fresh: FreshView[] = [];
  outbox = false;

  constructor(readonly guildId: string) {}

  /** A task changed: its view, its channel's queue summary, and a signal. */
  task(task: { id: number; number: number; channelId: string }): void {
    this.changed.set(task.id, task.number);
    this.viewKeys.add(viewKeys.task(this.guildId, task.number));
    this.viewKeys.add(viewKeys.queue(this.guildId, task.channelId));
    this.viewKeys.add(engineKeys.statsPart(this.guildId, task.channelId));
    this.viewKeys.add(engineKeys.statsBlock(this.guildId, task.channelId, statsBlockOf(task.number)));
    this.viewKeys.add(engineKeys.stats(this.guildId));
  }

  /** Tasks whose views show a changed one (parent, subtasks, dependents). */
  numbers(numbers: Iterable<number>): void {
    for (const number of numbers) this.viewKeys.add(viewKeys.task(this.guildId, number));
  }

  key(key: string): void {
    this.viewKeys.add(key);
  }
}

interface Deleting {
  keys: Set<string>;
  fresh: readonly FreshView[];
  /** Issues what must follow the delete on the same connection (the signals), once it is issued. */
  issued: () => void;
}

/**
 * The view deletes of commits that end at the same moment, merged (group commit for the cache): while
 * one delete is on its way, the ones arriving meanwhile wait and go as one call, each commit's
 * signals issued right after it. A commit whose keys meet another's fresh views waits for the next
 * call, so a fresh view and a delete of its key are never in one call. Never fails (best effort).
 */
class ViewDeletes {
  #waiting: Deleting[] = [];
  #running = false;
  /** The batch on its way: settles once its answer (and the mark it left) is in. */
  #current: Promise<void> = Promise.resolve();

  /** Settles once every delete issued so far has been answered. */
  answered(): Promise<void> {
    return this.#current;
  }

  constructor(
    readonly engine: Engine,
    readonly attempt: (what: string, run: () => Promise<void>) => Promise<void>,
  ) {}

  del(job: Deleting): void {
    this.#waiting.push(job);
    if (!this.#running) this.#next();
  }

  #next(): void {
    const batch: Deleting[] = [];
    const rest: Deleting[] = [];
    const keys = new Set<string>();
    const freshKeys = new Set<string>();
    for (const job of this.#waiting) {
      const own = job.fresh.map((entry) => entry.key);
      const clashes =
        batch.length > 0 &&
        ([...job.keys].some((key) => freshKeys.has(key)) ||
          own.some((key) => keys.has(key) || freshKeys.has(key)));
      if (clashes) {
        rest.push(job);
        continue;
      }
      batch.push(job);
      for (const key of job.keys) keys.add(key);
      for (const key of own) freshKeys.add(key);
    }
    this.#waiting = rest;
    if (batch.length === 0) {
      this.#running = false;
      return;
    }
    this.#running = true;
    const fresh = batch.flatMap((job) => job.fresh);
    const deleting = this.attempt("views.del", async () => {
      learnMark(this.engine, await this.engine.cache.views.del([...keys], fresh));
    });
    this.#current = deleting;
    for (const job of batch) job.issued();
    void deleting.then(() => this.#next());
  }
}

const viewDeletes = new WeakMap<Engine, ViewDeletes>();
const marks = new WeakMap<
  Engine,
  (key: string, run: () => Promise<ViewMark | undefined>) => Promise<ViewMark | undefined>
>();

/**
 * How long a mark learned from a delete's reply is handed out instead of asking for a new one. Any
 * mark taken before a write is correct (an older one only lets more deletes out-rank the view the
 * write stores); this bounds how much older, far inside the stamps' TTL (60 s) the check relies on.
 */
const LEARNED_MARK_MS = 1_000;
const learned = new WeakMap<Engine, { mark: ViewMark; at: number }>();

function learnMark(engine: Engine, mark: ViewMark | undefined): void {
  if (!mark) return;
  const known = learned.get(engine);
  if (
    !known ||
    mark.generation > known.mark.generation ||
    (mark.generation === known.mark.generation && mark.stamp >= known.mark.stamp)
  )
    learned.set(engine, { mark, at: performance.now() });
}

/**
 * A view mark for a write about to start. The mark this process's latest view delete left (or the
 * latest asked for), if under LEARNED_MARK_MS old: no round trip, and it comes after the deletes of
 * every change this process has finished, the previous change of the same task included, so that
 * change's successor still stores its view. Otherwise cache.views.mark(), shared by the writes
 * asking at the same moment.
 */
export async function markViews(engine: Engine): Promise<ViewMark | undefined> {
  // A change returns once its deletes are issued: the mark they leave is in once they are answered.
  await viewDeletes.get(engine)?.answered();
  const known = learned.get(engine);
  if (known && performance.now() - known.at < LEARNED_MARK_MS) return known.mark;
  let coalesced = marks.get(engine);
  if (!coalesced) {
    coalesced = createRunCoalescer<ViewMark | undefined>();
    marks.set(engine, coalesced);
  }
  return coalesced("mark", async () => {
    const mark = await engine.cache.views.mark();
    learnMark(engine, mark);
    return mark;
  });
}
const outboxSignals = new WeakMap<Engine, (key: string, run: () => Promise<void>) => Promise<void>>();

/**
 * Best effort: the cache is never the only copy, so a failure here is logged, not thrown. Resolves
 * once the view deletes and signals are issued (the gate recounted, if any), not answered.
 */
export async function applyEffects(engine: Engine, effects: Effects): Promise<void> {
  const { cache, log } = engine;
  const attempt = async (what: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      log.warn({ err: error, what }, "post-commit cache step failed");
    }
  };
  // The signals go out once the views they announce are gone: issued after the delete on the same
  // connection, Redis runs them after it, and with nothing between they share its round trip.
  const signal = () => {
    for (const [taskId, number] of effects.changed)
      void attempt("signal", () =>
        cache.signals.publish({ type: "task_changed", guildId: effects.guildId, taskId, number }),
      );
    if (effects.outbox) {
      // One wake-up that starts after this commit serves every commit waiting for one.
      let coalesced = outboxSignals.get(engine);
      if (!coalesced) {
        coalesced = createRunCoalescer<void>();
        outboxSignals.set(engine, coalesced);
      }
      void coalesced("outbox_ready", () =>
        attempt("signal", () => cache.signals.publish({ type: "outbox_ready" })),
      );
    }
  };
  // The deletes (and the signals after them) are issued on the connection every later view read of
  // this process uses, so those reads run after them: waiting for Redis's answer adds a round trip
  // and no ordering. Another instance learns of the change after the deletes too (by the signal,
  // or through Discord from the answer, which goes out after they are sent).
  let deletes: ViewDeletes | undefined;
  if (effects.viewKeys.size > 0 || effects.fresh.length > 0) {
    deletes = viewDeletes.get(engine);
    if (!deletes) {
      deletes = new ViewDeletes(engine, attempt);
      viewDeletes.set(engine, deletes);
    }
    const queue = deletes;
    await new Promise<void>((resolve) => {
      queue.del({
        keys: effects.viewKeys,
        fresh: effects.fresh,
        issued: () => {
          signal();
          resolve();
        },
      });
    });
  } else signal();
  // Recount rather than adjust: a relative step applied after a rebuild that already counted this
  // commit would leave the counter one too high, refusing creates Postgres would admit.
  if (effects.gateRecount.size > 0) {
    await deletes?.answered();
    for (const channelId of effects.gateRecount) {
      await attempt("gate.rebuild", async () => {
        await rebuildGateCounter(engine.database, cache.gate, channelId);
      });
    }
  }
}
