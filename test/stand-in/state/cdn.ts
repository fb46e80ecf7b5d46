import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Snowflake } from "../types.ts";

/** Discord signs attachment URLs for 24 hours (ex = expiry, is = issued, hm = signature, all hex). */
const SIGNED_FOR_MS = 24 * 3600_000;
const PATH = /^\/(attachments|ephemeral-attachments)\/(\d+)\/(\d+)\/([^/]+)$/;

interface StoredFile {
  data: Buffer;
  contentType: string | null;
}

export type CdnKind = "attachments" | "ephemeral-attachments";

/**
 * Discord's CDN for this stand-in: uploaded message attachments and the files members attach to slash
 * command options, served at signed URLs on the stand-in's own port. A URL without a valid, unexpired
 * signature answers 404 "This content is no longer available.", as the CDN does.
 */
export class Cdn {
  private readonly files = new Map<string, StoredFile>();
  private readonly secret = randomBytes(16);

  constructor(
    private readonly baseUrl: () => string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores the bytes and answers the attachment's `url` and `proxy_url`. */
  put(
    kind: CdnKind,
    channelId: Snowflake,
    id: Snowflake,
    filename: string,
    data: Buffer,
    contentType: string | null,
  ): { url: string; proxy_url: string } {
    const path = `/${kind}/${channelId}/${id}/${encodeURIComponent(filename)}`;
    this.files.set(path, { data, contentType });
    const issued = Math.floor(this.now() / 1000);
    const expires = Math.floor((this.now() + SIGNED_FOR_MS) / 1000);
    const ex = expires.toString(16);
    const is = issued.toString(16);
    const url = `${this.baseUrl()}${path}?ex=${ex}&is=${is}&hm=${this.sign(path, ex, is)}&`;
    return { url, proxy_url: url };
  }

  /** Answers GET/HEAD of a CDN path; false for any other request (REST and the gateway take those). */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? "/", "http://stand-in");
    if (!PATH.test(url.pathname)) return false;
    const file = this.files.get(url.pathname);
    const ex = url.searchParams.get("ex") ?? "";
    const is = url.searchParams.get("is") ?? "";
    const hm = url.searchParams.get("hm") ?? "";
    const valid =
      file !== undefined &&
      /^[0-9a-f]+$/.test(ex) &&
      Number.parseInt(ex, 16) * 1000 > this.now() &&
      this.signatureMatches(url.pathname, ex, is, hm);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { "content-type": "text/plain" }).end("Method Not Allowed");
    } else if (!valid) {
      res.writeHead(404, { "content-type": "text/plain" }).end("This content is no longer available.");
    } else {
      res.writeHead(200, {
        "content-type": file.contentType ?? "application/octet-stream",
        "content-length": String(file.data.length),
      });
      res.end(req.method === "HEAD" ? undefined : file.data);
    }
    return true;
  }

  private sign(path: string, ex: string, is: string): string {
    return createHmac("sha256", this.secret).update(`${path}|${ex}|${is}`).digest("hex");
  }

  private signatureMatches(path: string, ex: string, is: string, hm: string): boolean {
    const expected = Buffer.from(this.sign(path, ex, is));
    const given = Buffer.from(hm);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
