import { randomBytes } from "node:crypto";
import type { Cache } from "../cache/types.ts";
import { RateLimitedError, UserError } from "../domain/errors.ts";
import type { Logger } from "../log.ts";
import type { ActionContext, Services } from "../services/contracts.ts";
import { databaseFaultOf } from "../services/database-faults.ts";
import { createBoundedIntake, DEFAULT_INTAKE_LIMITS, type IntakeLimits } from "./bounded-intake.ts";
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
  /** Events running at once and waiting at most (memory stays bounded under a burst). */
  intake?: IntakeLimits;
}

const RESTARTING = "Tasklane is restarting; try again in a few seconds.";
/**
 * While stopping, an instance claims late: another instance on the same shard (a rolling deploy)
 * takes the event and answers it properly; alone, this one still tells the user to retry.
 */
const DRAINING_CLAIM_DELAY_MS = 1_000;

/**
 * The one way in for every event (slash, button, modal, autocomplete, context menu, mention): claimed
 * exactly once across instances, tracked in flight for a graceful stop, rate limited on request, and
 * answered through one error pipeline — bad input is its sentence, a busy database a "try again", and
 * anything unexpected a short apology with a reference id that is in the logs beside the error.
 */
export function createGuardedRunner(options: GuardedRunnerOptions): GuardedRunner {
  const { log, services, cache } = options;
  const inFlight = createInFlight();
  const intake = createBoundedIntake(options.intake ?? DEFAULT_INTAKE_LIMITS);
  let shedUnlogged = 0;
  let shedLoggedAt = Number.NEGATIVE_INFINITY;

  // Under overload, one line per shed event would add to the load: at most one line per 10 s.
  function noteShed(event: EntryEvent): void {
    shedUnlogged += 1;
    options.onAnswered?.({ kind: event.kind, outcome: "shed", ms: 0 });
    const now = performance.now();
    if (now - shedLoggedAt < 10_000) return;
    log.warn(
      { ...event.fields, shed: shedUnlogged, running: intake.running, queued: intake.queued },
      "overloaded: dropped the oldest waiting interactions unanswered",
    );
    shedUnlogged = 0;
    shedLoggedAt = now;
  }

  const guard: Guard = {
    async limit(ctx, write) {
      const limiter = write ? cache.rateLimiter : cache.readRateLimiter;
      const decision = await limiter.take(`${ctx.guildId}:${ctx.actor.userId}`);
      if (!decision.allowed) throw new RateLimitedError(decision.retryAfterMs);
    },
  };

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

  async function run(event: EntryEvent, handler: EntryHandler): Promise<void> {
    const started = performance.now();
    let outcome = "ok";
    try {
      if (inFlight.draining) await new Promise((resolve) => setTimeout(resolve, DRAINING_CLAIM_DELAY_MS));
      if (!(await services.events.claim(event.id))) {
        log.debug(event.fields, `${logName(event)} claimed by another instance`);
        return;
      }
      if (inFlight.draining) throw new UserError(RESTARTING);
      outcome = (await handler.run(guard)) ?? "ok";
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
    const ms = Math.round(performance.now() - started);
    log.info({ ...event.fields, outcome, ms }, logName(event));
    options.onAnswered?.({ kind: event.kind, outcome, ms });
  }

  return {
    run(event, handler) {
      return inFlight.track(
        intake
          .run(() => run(event, handler), {
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
