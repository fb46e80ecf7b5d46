import type { Json } from "../types.ts";
import { Waiters, type WaitOptions } from "../wait.ts";
import type { UploadedFile } from "./read-body.ts";

export interface LoggedRequest {
  /** position in the log, from 0 */
  seq: number;
  method: string;
  /** path after /api/v10, e.g. /channels/123/messages */
  path: string;
  /** the route it matched, e.g. /channels/:channelId/messages; null when unknown */
  route: string | null;
  query: Record<string, string>;
  body: Json | undefined;
  files: UploadedFile[];
  encoding: "json" | "multipart" | "none";
  headers: { authorization?: string; userAgent?: string; auditLogReason?: string };
  status: number;
  response: Json | undefined;
  /** Date.now() when the request arrived */
  at: number;
  durationMs: number;
  /** the id of the injected fault that answered, if one did */
  fault?: string;
}

export interface RequestMatch {
  method?: string;
  /** a route template (`/channels/:channelId/messages`) or the concrete path (`/channels/123/messages`) */
  route?: string;
  path?: string | RegExp;
  /** only requests whose answer had this status */
  status?: number;
  where?: (request: LoggedRequest) => boolean;
}

export function matchesRequest(
  request: Pick<LoggedRequest, "method" | "path" | "route">,
  m: RequestMatch,
): boolean {
  if (m.method && m.method.toUpperCase() !== request.method) return false;
  if (m.route && m.route !== request.route && m.route !== request.path) return false;
  if (typeof m.path === "string" && m.path !== request.path) return false;
  if (m.path instanceof RegExp && !m.path.test(request.path)) return false;
  return true;
}

/** Every REST call the bot made, in order, with helpers to find and await them. */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];
  private readonly waiters = new Waiters();

  add(entry: Omit<LoggedRequest, "seq">): LoggedRequest {
    const logged = { ...entry, seq: this.entries.length };
    this.entries.push(logged);
    this.waiters.notify();
    return logged;
  }

  /** The log's length now: pass it as `since` to wait only for later requests. */
  mark(): number {
    return this.entries.length;
  }

  find(match: RequestMatch, since = 0): LoggedRequest[] {
    return this.entries.slice(since).filter((r) => this.matches(r, match));
  }

  waitFor(match: RequestMatch, options: WaitOptions & { since?: number } = {}): Promise<LoggedRequest> {
    const since = options.since ?? 0;
    return this.waiters.wait(
      () => this.entries.slice(since).find((r) => this.matches(r, match)),
      () => `a request ${describe(match)}; last requests: ${this.tail()}`,
      options,
    );
  }

  /** Waits until `count` matching requests were logged; answers them all. */
  async waitForCount(match: RequestMatch, count: number, options: WaitOptions & { since?: number } = {}) {
    const since = options.since ?? 0;
    return this.waiters.wait(
      () => {
        const found = this.find(match, since);
        return found.length >= count ? found : undefined;
      },
      () => `${count} requests ${describe(match)} (have ${this.find(match, since).length})`,
      options,
    );
  }

  private matches(r: LoggedRequest, m: RequestMatch): boolean {
    return (
      matchesRequest(r, m) && (m.status === undefined || m.status === r.status) && (!m.where || m.where(r))
    );
  }

  private tail(): string {
    return (
      this.entries
        .slice(-5)
        .map((r) => `${r.method} ${r.path} -> ${r.status}`)
        .join("; ") || "none"
    );
  }
}

function describe(m: RequestMatch): string {
  return [m.method ?? "*", m.route ?? String(m.path ?? "*"), m.status ? `status ${m.status}` : ""]
    .join(" ")
    .trim();
}
