import type { ClaimedGroup } from "../store/outbox-delivery.ts";
import type { TaskHeader } from "../store/task-headers.ts";
import type { CardRecord, MarkOutcome } from "../store/task-messages.ts";
import { createAgentService } from "./agents/index.ts";
import { createCardService } from "./cards/index.ts";
import { createDeliveryService } from "./delivery/index.ts";
import { createEventService } from "./events/index.ts";
import type { GateDrift, GateDriftOptions } from "./gate/gate-drift.ts";
import { createGateService } from "./gate/index.ts";
import { createHealthService } from "./health.ts";
import { createJobService } from "./jobs/index.ts";
import { createOperationsService } from "./operations/index.ts";
import { createSettingsService } from "./settings/index.ts";
import { createTaskService } from "./tasks/index.ts";
import { createTransferService } from "./transfers/index.ts";
import type {
  AgentService,
  EventService,
  OperationsService,
  ServiceDeps,
  SettingsService,
  TaskService,
  TaskView,
  TransferService,
} from "./types.ts";

export type { OutboxMessage } from "../store/outbox.ts";
export type { ClaimedGroup, ClaimedRow } from "../store/outbox-delivery.ts";
export type { TaskHeader } from "../store/task-headers.ts";
export type { CardRecord, MarkOutcome } from "../store/task-messages.ts";
export type { GateDrift, GateDriftOptions } from "./gate/gate-drift.ts";

/**
 * Everything outside src/services reaches the data through these (the composition root builds them):
 * commands, the Discord layer, jobs and the HTTP server never hold a database handle.
 */
export interface Services {
  tasks: TaskService;
  settings: SettingsService;
  agents: AgentService;
  cards: CardService;
  delivery: DeliveryService;
  gate: GateService;
  jobs: JobService;
  health: HealthService;
  events: EventService;
  /** Task Master import, CSV/JSON export. */
  transfers: TransferService;
  /** The rollup behind the operator gauges of /metrics. */
  operations: OperationsService;
}

export function createServices(deps: ServiceDeps): Services {
  const tasks = createTaskService(deps);
  return {
    tasks,
    settings: createSettingsService(deps),
    agents: createAgentService(deps),
    cards: createCardService(deps),
    delivery: createDeliveryService(deps),
    gate: createGateService(deps),
    jobs: createJobService({ ...deps, tasks }),
    health: createHealthService(deps),
    events: createEventService(deps),
    transfers: createTransferService(deps),
    operations: createOperationsService(deps),
  };
}

/**
 * A task's live card (task_messages): posting is claimed first so two posters never post two cards,
 * and every edit records the version it renders so an older one never overwrites a newer one.
 */
export interface CardService {
  /** The guild, channel and version of the task a button names by internal id; null when there is none. */
  header(taskId: number): Promise<TaskHeader | null>;
  find(taskId: number): Promise<CardRecord | null>;
  /** True when the caller may post the card: no card yet, or a poster died mid-way. */
  claimPosting(taskId: number, channelId: string): Promise<boolean>;
  recordMessage(card: CardRecord): Promise<void>;
  /** The post failed: let the next poster try. */
  releaseClaim(taskId: number): Promise<void>;
  /** Reserves rendering `version` on the posted card; null when it (or a newer one) is already there. */
  claimVersion(taskId: number, version: number): Promise<CardRecord | null>;
  /** The edit that claimed `claimed` failed: give the version back so a retry renders it. */
  restoreVersion(taskId: number, claimed: number, previous: number): Promise<void>;
  /** A click is about to update `messageId` in place to `version` (see MarkOutcome). */
  markRendered(taskId: number, messageId: string, version: number): Promise<MarkOutcome>;
  /** After an edit to `version` landed: true when a newer version was recorded meanwhile (render again). */
  supersededWhileSending(taskId: number, version: number): Promise<boolean>;
  /** The card message is gone: forget it so the next refresh posts a new one. */
  forget(taskId: number, messageId: string): Promise<void>;
}

/** The outbox, for its dispatcher (src/discord/delivery). */
export interface DeliveryService {
  /** Claims up to `batch` due rows for `claimMs`, grouped by coalesce key. */
  claimDue(batch: number, claimMs: number, now?: Date): Promise<ClaimedGroup[]>;
  /** Sent (messageId set) or skipped (null: nothing to send any more, `note` says why). */
  markSent(ids: number[], messageId: string | null, note?: string | null): Promise<void>;
  /** A failed try: due again at `retryAt`; `countsAsFailure` false for rate limits and not-ready waits. */
  scheduleRetry(ids: number[], retryAt: Date, error: string, countsAsFailure: boolean): Promise<void>;
  markDead(ids: number[], error: string): Promise<void>;
  /** Milliseconds until the next pending row comes due (0 if one is due now); null when none is pending. */
  msUntilNextDue(now?: Date): Promise<number | null>;
  /**
   * The lease of an agent's task starts as the message telling it to work is sent (a rework): from now,
   * `leaseMinutes` long, while the task is in progress with that assignee. The new expiry, or null.
   */
  startLease(
    task: { id: number; guildId: string; number: number },
    assigneeId: string,
    leaseMinutes: number,
  ): Promise<string | null>;
  /** The task as committed, read from Postgres, never the view cache (a row is visible only after its change commits). */
  committedTask(taskId: number): Promise<TaskView | null>;
}

/** The queue gate's counters against Postgres, the truth. */
export interface GateService {
  /** Compares counters with Postgres and, unless told not to, repairs them; returns the channels that disagreed. */
  checkDrift(options?: GateDriftOptions): Promise<GateDrift[]>;
  /** Sets one channel's counter from Postgres; returns its live tasks. */
  rebuild(channelId: string): Promise<number>;
}

/** One pass of each background job; each acts through the task engine at the version it saw. */
export interface JobService {
  /** Counts expired leases as failed attempts; returns how many. */
  expireLeases(options: {
    systemUserId: () => string | undefined;
    batchSize?: number;
    claimMs?: number;
  }): Promise<number>;
  /** Hands unassigned tasks of auto-assign channels to the least-loaded agent; returns how many. */
  autoAssign(options: { systemUserId: () => string | undefined }): Promise<number>;
}

export interface HealthService {
  /** Whether the database answers, and which kind it is. */
  database(): Promise<{ ok: boolean; kind: "postgres" | "pglite" }>;
}
