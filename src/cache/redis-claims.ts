import type { Redis } from "ioredis";
import type { KeyLayout } from "./keys.ts";
import type { RedisLink } from "./redis-link.ts";
import type { EventClaims } from "./types.ts";

/** SET NX EX: the first instance to set the key handles the event. */
export function createRedisClaims(client: Redis, link: RedisLink, keys: KeyLayout): EventClaims {
  return {
    claim: (eventId, ttlSeconds) =>
      link.run(
        async () => ((await client.set(keys.event(eventId), "1", "EX", ttlSeconds, "NX")) ? "won" : "lost"),
        () => "unknown" as const,
      ),
  };
}
