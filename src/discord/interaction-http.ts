import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, STATUS_CODES } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { type Client, DefaultUserAgent, DiscordAPIError, HTTPError } from "discord.js";

/**
 * An interaction's own endpoints (its callback, and its webhook: edits of the original, follow-ups) as
 * plain HTTP on a keep-alive connection: no bot token, no global limit, one JSON body written as it is.
 * @discordjs/rest resolves, queues and buckets every request, and its callers first turn the body into a
 * MessagePayload; for the one answer each interaction gets that was a good share of the bot's CPU.
 * Errors read as @discordjs/rest's do (DiscordAPIError with Discord's code, HTTPError for a 5xx), so
 * callers handle them alike; a reset connection and a 5xx are retried as it retries them.
 */
export interface InteractionHttp {
  /** POST /interactions/{id}/{token}/callback; with `withResponse`, Discord's answer (the message it made). */
  callback(id: string, token: string, body: unknown, withResponse?: boolean): Promise<unknown>;
  /** A request to /webhooks/{application}/{token}{path}, answered with Discord's JSON (a message). */
  webhook(
    method: "POST" | "PATCH",
    applicationId: string,
    token: string,
    path: string,
    body: unknown,
  ): Promise<unknown>;
}

const RETRIES = 3;
const RATE_LIMIT_WAITS = 5;
const TIMEOUT_MS = 15_000;
/** Below the idle timeouts servers usually keep (Node's 5 s): a socket is never reused as it closes. */
const IDLE_SOCKET_MS = 4_000;

const byClient = new WeakMap<Client, InteractionHttp>();

/** The client's interaction HTTP, made on first use from its REST options (API base and version). */
export function interactionHttpOf(client: Client): InteractionHttp {
  let http = byClient.get(client);
  if (!http) {
    const { api, version, userAgentAppendix } = client.rest.options;
    http = createInteractionHttp(`${api}/v${version}`, userAgentAppendix);
    byClient.set(client, http);
  }
  return http;
}

interface Answer {
  status: number;
  headers: IncomingMessage["headers"];
  text: string;
}

export function createInteractionHttp(base: string, userAgentAppendix = ""): InteractionHttp {
  const url = new URL(base);
  const secure = url.protocol === "https:";
  const send = secure ? httpsRequest : httpRequest;
  const agentOptions = { keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: "lifo" as const };
  const agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const port = url.port ? Number(url.port) : undefined;
  const prefix = url.pathname.replace(/\/$/, "");
  const userAgent = `${DefaultUserAgent} ${userAgentAppendix}`.trim();

  function once(method: string, path: string, payload: string | undefined): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { "User-Agent": userAgent };
      if (payload !== undefined) {
        headers["Content-Type"] = "application/json";
        headers["Content-Length"] = Buffer.byteLength(payload);
      }
      const req = send(
        { host: url.hostname, port, path: prefix + path, method, agent, headers, timeout: TIMEOUT_MS },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: chunks.length ? Buffer.concat(chunks).toString("utf8") : "",
            }),
          );
          res.on("error", reject);
        },
      );
      req.on("timeout", () =>
        req.destroy(Object.assign(new Error("Request timed out"), { name: "AbortError" })),
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  async function request(method: string, path: string, body: unknown): Promise<unknown> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const fullUrl = `${base}${path}`;
    let retries = 0;
    let waits = 0;
    for (;;) {
      let answer: Answer;
      try {
        answer = await once(method, path, payload);
      } catch (error) {
        if (retries < RETRIES && shouldRetry(error)) {
          retries += 1;
          continue;
        }
        throw error;
      }
      const { status } = answer;
      if (status >= 200 && status < 300) return answer.text ? JSON.parse(answer.text) : undefined;
      if (status === 429 && waits < RATE_LIMIT_WAITS) {
        waits += 1;
        await new Promise((resolve) => setTimeout(resolve, retryAfterMs(answer)));
        continue;
      }
      if (status >= 500) {
        if (retries < RETRIES) {
          retries += 1;
          continue;
        }
        throw new HTTPError(status, STATUS_CODES[status] ?? "", method, fullUrl, { body });
      }
      const data = parseError(answer.text);
      throw new DiscordAPIError(data, "code" in data ? data.code : data.error, status, method, fullUrl, {
        body,
      });
    }
  }

  return {
    callback(id, token, body, withResponse = false) {
      const query = withResponse ? "?with_response=true" : "";
      return request("POST", `/interactions/${id}/${token}/callback${query}`, body);
    },
    webhook(method, applicationId, token, path, body) {
      return request(method, `/webhooks/${applicationId}/${token}${path}`, body);
    },
  };
}

type ErrorBody = { code: number; message: string } | { error: string; error_description?: string };

function parseError(text: string): ErrorBody {
  try {
    const data = JSON.parse(text) as ErrorBody;
    if (data && typeof data === "object") return data;
  } catch {
    // not JSON: described by its text below
  }
  return { code: 0, message: text || "Unknown Error" };
}

function retryAfterMs(answer: Answer): number {
  try {
    const seconds = (JSON.parse(answer.text) as { retry_after?: number }).retry_after;
    if (typeof seconds === "number") return Math.ceil(seconds * 1_000);
  } catch {
    // fall back to the header
  }
  const header = Number(answer.headers["retry-after"]);
  return Number.isFinite(header) ? header * 1_000 : 1_000;
}

/** As @discordjs/rest retries: a connection reset, or the request's own timeout. */
function shouldRetry(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "AbortError") return true;
  return (error as { code?: string }).code === "ECONNRESET" || error.message.includes("ECONNRESET");
}
