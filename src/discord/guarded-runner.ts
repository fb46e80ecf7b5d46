import { randomBytes } from "node:crypto";
import type { Cache, RateDecision, TokenRequest } from "../cache/types.ts";
import { RateLimitedError, UserError } from "../domain/errors.ts";
import type { Logger } from "../log.ts";
import type { ActionContext, Services } from "../services/contracts.ts";
import { databaseFaultOf } from "../services/database-faults.ts";
import { createBoundedIntake, DEFAULT_INTAKE_LIMITS, type IntakeLimits } from "./bounded-intake.ts";
import { createClockOffset } from "./clock-offset.ts";
import { createInFlight } from "./in-flight.ts";
import { asIncompleteInput } from "./incomplete-input.ts";
import type { EntryKind, InteractionOutcome } from "./interaction-metrics.ts";

/** What a user is told when their event did not go through, and the outcome it is logged with. */
export type Failure =
  | { expected: true; error: UserError; outcome: `refused:${string}` }
  | { expected: false; ref: string; outcome: "error" };

/** One gateway event that reaches Tasklane's code: an interaction of any kind, or a mention. */
export interface EntryEvent {
  /** The gateway event's id: claimed before any work, so one instance handles it, once. */
  id: string;
  kind: EntryKind;
  /** The line every log of this event is written with; the handler may add to it (the command it read). */
  fields: Record<string, unknown>;
  /**
   * An interaction's snowflake time (ms since the epoch, Discord's clock): its 3 s window runs from it,
   * and past that window the event is dropped unclaimed. None for mentions, which have no window.
   */
  createdAt?: number;
  /**
   * The rate-limit token the handler will ask for first, when known before it runs: taken with the
   * claim, in the same cache round trip, and handed to that `limit` call.
   */
  token?: TokenRequest;
}

export interface EntryHandler {
  /** The event's work, after it was claimed. Returns the outcome to log ("ok" when nothing else). */
  run(guard: Guard): Promise<string | undefined>;
  /** Tells the actor about a refusal or failure of `run` (an ephemeral answer, a reply with a json block). */
  tell(failure: Failure): Promise<void>;
}

export interface Guard {
  /** One token from the actor's bucket in this server: writes and reads have buckets of their own. */
  limit(ctx: ActionContext, write: boolean): Promise<void>;
}

export interface GuardedRunner {
  run(event: EntryEvent, handler: EntryHandler): Promise<void>;
  /** True from the start of `drain`: new events get a short "restarting" answer (or none, for mentions). */
  readonly draining: boolean;
  /** Stops taking events and waits (bounded) for those in flight, including any that arrive meanwhile. */
  drain(timeoutMs?: number): Promise<void>;
  inFlight(): number;
}

export interface GuardedRunnerOptions {
  services: Pick<Services, "events">;
  cache: Pick<Cache, "rateLimiter" | "readRateLimiter">;
  log: Logger;
  /** Called once per event after it was answered (metrics). */
  onAnswered?: (event: InteractionOutcome) => void;
  /** The clock arrivals and windows are judged by (injected in tests). */
  now?: () => Date;
  /** Events running at once and waiting at most (memory stays bounded under a burst). */
  intake?: IntakeLimits;
}

const RESTARTING = "Tasklane is restarting; try again in a few seconds.";
/**
 * While stopping, an instance claims late: another instance on the same shard (a rolling deploy)
 * takes the event and answers it properly; alone, this one still tells the user to retry.
 */
const DRAINING_CLAIM_DELAY_MS = 1_000;

/** Discord's window for the first answer to an interaction. */
export const INTERACTION_WINDOW_MS = 3_000;
/** Slack for the offset's own error: an interaction is only given up this much past its window. */
export const CLOCK_SKEW_MARGIN_MS = 500;

const EXPIRED_WARN_EVERY_MS = 60_000;

/** The outcome logged for an event dropped because its window had passed. */
export const EXPIRED = "expired";

/**
 * The one way in for every event (slash, button, modal, autocomplete, context menu, mention): claimed
 * exactly once across instances, tracked in flight for a graceful stop, rate limited on request, and
 * answered through one error pipeline — bad input is its sentence, a busy database a "try again", and
 * anything unexpected a short apology with a reference id that is in the logs beside the error.
 */
export function createGuardedRunner(options: GuardedRunnerOptions): GuardedRunner {
  const { log, services, cache } = options;
  const now = options.now ?? (() => new Date());
  const inFlight = createInFlight();
  const clockOffset = createClockOffset();
  // Past its window an interaction cannot be answered (Discord already told the user it failed), and
  // working on it only delays the ones still in time: dropped before the claim and any other work.
  // The window is read on Discord's clock: a snowflake's time, moved by how far ours runs ahead.
  const answerByOf = (event: EntryEvent): number | undefined =>
    event.createdAt === undefined
      ? undefined
      : event.createdAt +
        clockOffset.observe(now().getTime(), event.createdAt) +
        INTERACTION_WINDOW_MS +
        CLOCK_SKEW_MARGIN_MS;
  const expired = (answerBy: number | undefined) => answerBy !== undefined && now().getTime() > answerBy;
  // One warning a minute at most, with how many were dropped since the last one.
  let droppedSinceWarn = 0;
  let lastWarnAt = Number.NEGATIVE_INFINITY;
  const noteExpired = () => {
    droppedSinceWarn += 1;
    const at = now().getTime();
    if (at - lastWarnAt < EXPIRED_WARN_EVERY_MS) return;
    log.warn({ dropped: droppedSinceWarn }, "interactions reached us past Discord's window and were dropped");
    lastWarnAt = at;
    droppedSinceWarn = 0;
  };
  const intake = createBoundedIntake(options.intake ?? DEFAULT_INTAKE_LIMITS);
  let shedUnlogged = 0;
  let shedLoggedAt = Number.NEGATIVE_INFINITY;

  // Under overload, one line per shed event would add to the load: at most one line per 10 s.
  function noteShed(event: EntryEvent): void {
    shedUnlogged += 1;
    options.onAnswered?.({ kind: event.kind, outcome: "shed", ms: 0 });
    const at = performance.now();
    if (at - shedLoggedAt < 10_000) return;
    log.warn(
      { ...event.fields, shed: shedUnlogged, running: intake.running, queued: intake.queued },
      "overloaded: dropped the oldest waiting interactions unanswered",
    );
    shedUnlogged = 0;
    shedLoggedAt = at;
  }

  /** A guard for one event; `taken` is the token its claim already took (used by the first matching limit). */
  function guardFor(taken?: { token: TokenRequest; decision: RateDecision }): Guard {
    return {
      async limit(ctx, write) {
        const key = `${ctx.guildId}:${ctx.actor.userId}`;
        const bucket = write ? "write" : "read";
        let decision: RateDecision;
        if (taken && taken.token.bucket === bucket && taken.token.key === key) {
          decision = taken.decision;
          taken = undefined;
        } else {
          decision = await (write ? cache.rateLimiter : cache.readRateLimiter).take(key);
        }
        if (!decision.allowed) throw new RateLimitedError(decision.retryAfterMs);
      },
    };
  }

  function failureOf(thrown: unknown, event: EntryEvent): Failure {
    // A database fault outside a service call (the card store) reads the same as inside one.
    const fault = databaseFaultOf(thrown);
    if (fault)
      log.warn({ ...event.fields, err: thrown }, "database fault outside a service; asked to try again");
    const error = asIncompleteInput(fault ?? thrown);
    if (error instanceof UserError) return { expected: true, error, outcome: `refused:${error.code}` };
    const ref = randomBytes(4).toString("hex").toUpperCase();
    log.error({ ...event.fields, ref, err: error }, `${logName(event)} failed`);
    return { expected: false, ref, outcome: "error" };
  }

  async function run(event: EntryEvent, handler: EntryHandler, answerBy: number | undefined): Promise<void> {
    const started = performance.now();
    let outcome = "ok";
    try {
      if (inFlight.draining) await new Promise((resolve) => setTimeout(resolve, DRAINING_CLAIM_DELAY_MS));
      if (expired(answerBy)) return finishExpired(event, started);
      const { token } = event;
      const { won, decision } = token
        ? await services.events.claimWithToken(event.id, token)
        : { won: await services.events.claim(event.id), decision: undefined };
      if (!won) {
        log.debug(event.fields, `${logName(event)} claimed by another instance`);
        return;
      }
      if (inFlight.draining) throw new UserError(RESTARTING);
      if (expired(answerBy)) return finishExpired(event, started);
      outcome = (await handler.run(guardFor(token && decision ? { token, decision } : undefined))) ?? "ok";
    } catch (thrown) {
      const failure = failureOf(thrown, event);
      outcome = failure.outcome;
      try {
        await handler.tell(failure);
      } catch (answerError) {
        const ref = failure.expected ? null : failure.ref;
        log.warn({ ...event.fields, ref, err: answerError }, "could not tell the user about a failure");
      }
    }
    finish(event, outcome, started);
  }

  function finishExpired(event: EntryEvent, started: number): void {
    noteExpired();
    finish(event, EXPIRED, started);
  }

  function finish(event: EntryEvent, outcome: string, started: number): void {
    const ms = Math.round(performance.now() - started);
    // One line per event: its fields are only copied when info lines are written at all.
    if (log.isLevelEnabled("info")) log.info({ ...event.fields, outcome, ms }, logName(event));
    options.onAnswered?.({ kind: event.kind, outcome, ms });
  }

  return {
    run(event, handler) {
      // Judged at arrival, before any wait in the intake: the wait counts against the window.
      const answerBy = answerByOf(event);
      return inFlight.track(
        intake
          .run(() => run(event, handler, answerBy), {
            sheddable: event.kind !== "mention",
            onShed: () => noteShed(event),
          })
          .catch((error: unknown) =>
            log.error({ ...event.fields, err: error }, `${logName(event)} handling failed`),
          ),
      );
    },
    get draining() {
      return inFlight.draining;
    },
    async drain(timeoutMs = 10_000) {
      await inFlight.drain(timeoutMs);
      if (inFlight.size) log.warn({ inFlight: inFlight.size }, "stopped waiting for work still in flight");
    },
    inFlight: () => inFlight.size,
  };
}

/** The log line's name: "interaction" for every kind of interaction, "mention" for a mention. */
function logName(event: EntryEvent): "interaction" | "mention" {
  return event.kind === "mention" ? "mention" : "interaction";
}
