import type { Json } from "../types.ts";
import { matchesRequest, type RequestMatch } from "./request-log.ts";

export interface FaultSpec extends Omit<RequestMatch, "status" | "where"> {
  /** also match on the request's JSON body, e.g. only messages with a given nonce */
  where?: (request: {
    method: string;
    path: string;
    route: string | null;
    body: Json | undefined;
  }) => boolean;
  /** the answer: an HTTP status (default 500), or "reset" to drop the connection without answering */
  status?: number | "reset";
  /** fail this many matching calls (default 1 unless `forMs` is given) */
  times?: number;
  /** fail every matching call for this long */
  forMs?: number;
  /** 429 only: seconds to wait, in the body's `retry_after` and the `Retry-After` header (default 1) */
  retryAfter?: number;
  /** 429 only: a global rate limit (`X-RateLimit-Global: true`, scope "global") */
  global?: boolean;
  /** 429 only: "user" (default), "shared" or "global" */
  scope?: "user" | "shared" | "global";
  /** a body to answer instead of Discord's usual one for the status */
  body?: Json;
  /** answer this much later; without `status` the answer itself is the normal one */
  delayMs?: number;
}

export interface Fault {
  readonly id: string;
  readonly spec: FaultSpec;
  /** how many requests it answered */
  hits: number;
  readonly active: boolean;
  remove(): void;
}

/** Faults the test injected, matched against each request before the route runs (so a fault has no side effect). */
export class FaultInjector {
  private readonly faults: (Fault & { until?: number; remaining?: number; removed: boolean })[] = [];
  private counter = 0;

  inject(spec: FaultSpec): Fault {
    const now = Date.now();
    const fault = {
      id: `fault-${++this.counter}`,
      spec,
      hits: 0,
      removed: false,
      until: spec.forMs !== undefined ? now + spec.forMs : undefined,
      remaining: spec.times ?? (spec.forMs !== undefined ? undefined : 1),
      get active(): boolean {
        if (this.removed) return false;
        if (this.until !== undefined && Date.now() > this.until) return false;
        return this.remaining === undefined || this.remaining > 0;
      },
      remove: () => {
        fault.removed = true;
      },
    };
    this.faults.push(fault);
    return fault;
  }

  /** The first active fault matching this request; counts the hit. */
  take(request: {
    method: string;
    path: string;
    route: string | null;
    body: Json | undefined;
  }): Fault | undefined {
    const fault = this.faults.find(
      (f) =>
        f.active &&
        matchesRequest(request, { method: f.spec.method, route: f.spec.route, path: f.spec.path }) &&
        (!f.spec.where || f.spec.where(request)),
    );
    if (!fault) return undefined;
    fault.hits++;
    if (fault.remaining !== undefined) fault.remaining--;
    return fault;
  }

  clear(): void {
    for (const f of this.faults) f.removed = true;
    this.faults.length = 0;
  }
}
