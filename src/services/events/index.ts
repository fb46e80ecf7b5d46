import {
  deleteHandledEventsBefore,
  deleteOutboxSentBefore,
  insertHandledEvent,
} from "../../store/handled-events.ts";
import { withDatabaseFaults } from "../database-faults.ts";
import { createEngine, type Engine } from "../engine.ts";
import type { EventService, ServiceDeps } from "../types.ts";

/**
 * How long a claim stands. Discord re-delivers an event within seconds (a second session on the
 * shard, a resumed session's replay); an interaction cannot be answered after 15 minutes anyway.
 */
export const CLAIM_TTL_SECONDS = 15 * 60;
const HANDLED_EVENTS_KEEP_MS = 60 * 60_000;
const SENT_OUTBOX_KEEP_MS = 7 * 24 * 3_600_000;

/** Exactly-once handling of gateway events across instances, and the pruning of what it leaves behind. */
export function createEventService(deps: ServiceDeps): EventService {
  const engine = createEngine(deps);
  return withDatabaseFaults({
    claim: (eventId) => claimEvent(engine, eventId),
    async prune() {
      const now = engine.now().getTime();
      return {
        handledEvents: await deleteHandledEventsBefore(engine.db, new Date(now - HANDLED_EVENTS_KEEP_MS)),
        sentOutbox: await deleteOutboxSentBefore(engine.db, new Date(now - SENT_OUTBOX_KEEP_MS)),
      };
    },
  });
}

/**
 * Redis decides when it can; when it cannot (down, breaker open) Postgres does, with a unique insert.
 * An in-process cache in front of a Postgres server may be one of several instances, so there
 * Postgres always decides; only the embedded database (one process) trusts the in-process map.
 */
async function claimEvent(engine: Engine, eventId: string): Promise<boolean> {
  const shared = engine.cache.kind === "redis" || engine.database.kind === "pglite";
  if (shared) {
    const answer = await engine.cache.claims.claim(eventId, CLAIM_TTL_SECONDS);
    if (answer !== "unknown") return answer === "won";
  }
  return insertHandledEvent(engine.db, eventId);
}
