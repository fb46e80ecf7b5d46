import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { apiErrors, DiscordApiError } from "../errors.ts";
import type { Json } from "../types.ts";
import type { Fault, FaultInjector } from "./faults.ts";
import type { RateLimiter } from "./rate-limits.ts";
import { BodyError, type RequestBody, readBody } from "./read-body.ts";
import type { LoggedRequest, RequestLog } from "./request-log.ts";
import type { RouteAnswer, RouteMatch, Router } from "./router.ts";

export interface RestServerDeps {
  router: Router;
  log: RequestLog;
  faults: FaultInjector;
  rateLimits: RateLimiter;
  logger: Logger;
  /** the token the bot must present; undefined accepts any */
  token: string | undefined;
  keepBodies: boolean;
  onRequest(entry: LoggedRequest): void;
}

interface Answer extends RouteAnswer {
  headers?: Record<string, string>;
  reset?: boolean;
}

const API_PREFIX = /^\/api\/v(\d+)(\/.*)$/;

/** Answers one HTTP request as Discord's REST API would, and logs it. */
export async function handleRestRequest(deps: RestServerDeps, req: IncomingMessage, res: ServerResponse) {
  const receivedAt = performance.now();
  const at = Date.now();
  const url = new URL(req.url ?? "/", "http://stand-in");
  const method = (req.method ?? "GET").toUpperCase();
  const prefix = API_PREFIX.exec(url.pathname);
  const path = prefix?.[2] ?? url.pathname;
  let body: RequestBody = { json: undefined, files: [], encoding: "none" };
  let route: string | null = null;
  let fault: Fault | undefined;
  let answer: Answer;
  try {
    body = await readBody(req);
    const match: RouteMatch = prefix ? deps.router.match(method, path) : { kind: "unknown" };
    if (match.kind === "found") route = match.def.route;
    if (prefix && prefix[1] !== "10") throw apiErrors.invalidApiVersion();
    if (match.kind === "unknown") {
      deps.logger.warn(
        { method, path: url.pathname },
        "stand-in: UNKNOWN ROUTE, answered 404 (a gap in the stand-in?)",
      );
      throw apiErrors.notFound();
    }
    if (match.kind === "wrong-method") throw apiErrors.methodNotAllowed();
    if (match.def.auth && !authorized(req, deps.token)) throw apiErrors.unauthorized();
    fault = deps.faults.take({ method, path, route, body: body.json });
    if (fault) {
      answer = await faultAnswer(fault, async () => run(match, body, url, receivedAt));
    } else {
      // interaction callbacks carry no bucket headers on Discord
      const template = match.def.route;
      const limited = template.startsWith("/interactions/")
        ? undefined
        : rateLimit(deps, method, template, match.params);
      if (limited?.exceeded) {
        answer = limited.answer;
      } else {
        const normal: Answer = await run(match, body, url, receivedAt);
        answer = limited ? { ...normal, headers: { ...limited.answer.headers, ...normal.headers } } : normal;
      }
    }
  } catch (error) {
    answer = errorAnswer(error, deps.logger, method, path);
  }
  const entry = deps.log.add({
    method,
    path,
    route,
    query: Object.fromEntries(url.searchParams),
    body: deps.keepBodies ? body.json : undefined,
    files: body.files,
    encoding: body.encoding,
    headers: {
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(req.headers["user-agent"] ? { userAgent: req.headers["user-agent"] } : {}),
      ...(req.headers["x-audit-log-reason"]
        ? { auditLogReason: String(req.headers["x-audit-log-reason"]) }
        : {}),
    },
    status: answer.reset ? 0 : answer.status,
    response: deps.keepBodies ? answer.body : undefined,
    at,
    durationMs: performance.now() - receivedAt,
    ...(fault ? { fault: fault.id } : {}),
  });
  deps.onRequest(entry);
  if (answer.reset) {
    req.socket.destroy();
    return;
  }
  const payload = answer.body === undefined ? undefined : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    ...(payload === undefined ? {} : { "Content-Type": "application/json" }),
    ...answer.headers,
  });
  res.end(payload);
}

async function run(match: RouteMatch & { kind: "found" }, body: RequestBody, url: URL, receivedAt: number) {
  return match.def.handle({
    params: match.params,
    query: url.searchParams,
    body: body.json,
    files: body.files,
    receivedAt,
  });
}

function authorized(req: IncomingMessage, token: string | undefined): boolean {
  const header = req.headers.authorization;
  if (!header?.startsWith("Bot ")) return false;
  return token === undefined || header === `Bot ${token}`;
}

function rateLimit(deps: RestServerDeps, method: string, route: string, params: Record<string, string>) {
  const major =
    params.channelId ??
    params.guildId ??
    (params.token ? `${params.applicationId}/${params.token}` : "global");
  const decision = deps.rateLimits.take(method, route, major, Date.now(), params.token === undefined);
  if (!decision.exceeded)
    return { exceeded: false, answer: { status: 200, headers: decision.headers } as Answer };
  const { retryAfter, global } = decision.exceeded;
  return {
    exceeded: true,
    answer: tooManyRequests(retryAfter, global, global ? "global" : "user", decision.headers),
  };
}

async function faultAnswer(fault: Fault, normal: () => Promise<Answer>): Promise<Answer> {
  const { spec } = fault;
  if (spec.delayMs) await sleep(spec.delayMs);
  if (spec.status === undefined && spec.delayMs) return normal();
  if (spec.status === "reset") return { status: 0, reset: true };
  const status = spec.status ?? 500;
  if (status === 429) {
    const answer = tooManyRequests(
      spec.retryAfter ?? 1,
      spec.global ?? false,
      spec.scope ?? (spec.global ? "global" : "user"),
    );
    return spec.body === undefined ? answer : { ...answer, body: spec.body };
  }
  return { status, body: spec.body ?? ({ message: `${status}: ${statusText(status)}`, code: 0 } as Json) };
}

/** Discord's 429: `retry_after` in seconds in the body and the Retry-After header; global ones say so. */
function tooManyRequests(
  retryAfter: number,
  global: boolean,
  scope: string,
  headers: Record<string, string> = {},
) {
  const answer: Answer = {
    status: 429,
    body: { message: "You are being rate limited.", retry_after: retryAfter, global },
    headers: {
      ...headers,
      "Retry-After": String(retryAfter),
      "X-RateLimit-Scope": scope,
      ...(global ? { "X-RateLimit-Global": "true" } : {}),
    },
  };
  if (!global && !headers["X-RateLimit-Limit"]) {
    Object.assign(answer.headers!, {
      "X-RateLimit-Limit": "5",
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset": ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
      "X-RateLimit-Reset-After": retryAfter.toFixed(3),
    });
  }
  return answer;
}

function errorAnswer(error: unknown, logger: Logger, method: string, path: string): Answer {
  if (error instanceof DiscordApiError) return { status: error.status, body: error.body() };
  if (error instanceof BodyError) return { status: 400, body: { message: error.message, code: 50109 } };
  logger.error({ err: error, method, path }, "stand-in: route failed");
  return { status: 500, body: { message: "500: Internal Server Error", code: 0 } };
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
  };
  return texts[status] ?? "Error";
}
