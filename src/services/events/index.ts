import type { RateDecision, TokenRequest } from "../../cache/types.ts";
import {
  deleteHandledEventsBefore,
  deleteOutboxSentBefore,
  insertHandledEvents,
} from "../../store/handled-events.ts";
import type { EventService, ServiceDeps } from "../contracts.ts";
import { withDatabaseFaults } from "../database-faults.ts";
import { createEngine, type Engine } from "../engine.ts";
import { createBatchedClaims } from "./batched-claims.ts";

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
  const insertClaim = createBatchedClaims((eventIds) => insertHandledEvents(engine.db, eventIds));
  return withDatabaseFaults({
    claim: (eventId) => claimEvent(engine, insertClaim, eventId),
    claimWithToken: (eventId, token) => claimEventWithToken(engine, insertClaim, eventId, token),
    async prune() {
      const now = engine.now().getTime();
      const claimsBefore = new Date(now - HANDLED_EVENTS_KEEP_MS);
      const sentBefore = new Date(now - SENT_OUTBOX_KEEP_MS);
      return {
        handledEvents: await inBatches((batch) => deleteHandledEventsBefore(engine.db, claimsBefore, batch)),
        sentOutbox: await inBatches((batch) => deleteOutboxSentBefore(engine.db, sentBefore, batch)),
      };
    },
  });
}

const PRUNE_BATCH = 5_000;

/** Short statements, so pruning never holds many row locks or a long transaction. */
async function inBatches(deleteBatch: (batch: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (let deleted = PRUNE_BATCH; deleted === PRUNE_BATCH; total += deleted)
    deleted = await deleteBatch(PRUNE_BATCH);
  return total;
}

/**
 * Redis filters: a key already set means another instance (or an earlier delivery) has the event, and
 * the loser is done without touching Postgres. A win in Redis is not proof, though: an instance whose
 * Redis calls are timing out (its breaker open) claims in Postgres while the others still see Redis,
 * so the winner's unique insert in Postgres is what decides (one statement per turn of the event loop
 * for every claim asked for in it: batched-claims.ts). Only the embedded database (one process,
 * in-process cache) trusts the in-process map alone.
 */
async function claimEvent(
  engine: Engine,
  insertClaim: (eventId: string) => Promise<boolean>,
  eventId: string,
): Promise<boolean> {
  const answer = await engine.cache.claims.claim(eventId, CLAIM_TTL_SECONDS);
  if (answer === "lost") return false;
  if (engine.database.kind === "pglite" && engine.cache.kind === "memory") return answer === "won";
  return insertClaim(eventId);
}

/** claimEvent, the actor's token taken by the cache in the claim's round trip (only once it is won there). */
async function claimEventWithToken(
  engine: Engine,
  insertClaim: (eventId: string) => Promise<boolean>,
  eventId: string,
  token: TokenRequest,
): Promise<{ won: boolean; decision?: RateDecision }> {
  const { claim, decision } = await engine.cache.claims.claimAndTake(eventId, CLAIM_TTL_SECONDS, token);
  if (claim === "lost") return { won: false };
  const won =
    engine.database.kind === "pglite" && engine.cache.kind === "memory"
      ? claim === "won"
      : await insertClaim(eventId);
  return won ? { won, decision } : { won };
}
