import type { Attachment } from "discord.js";
import { UserError } from "../domain/errors.ts";
import { inlineCode } from "./render/format.ts";

/** Discord's CDN hosts; an attachment URL anywhere else is not fetched (the URL is input, like the rest). */
const CDN_HOSTS = new Set(["cdn.discordapp.com", "media.discordapp.net"]);

export interface ReadAttachmentOptions {
  maxBytes: number;
  /** The REST base the bot talks to (DISCORD_API_URL): a proxy's or the stand-in's CDN shares its origin. */
  apiUrl?: string;
  timeoutMs?: number;
}

/**
 * The text of a file a member attached to a command: at most `maxBytes` (by the size Discord reports,
 * and again while reading), from Discord's CDN only. Problems are UserErrors naming the file.
 */
export async function readAttachmentText(
  attachment: Attachment,
  options: ReadAttachmentOptions,
): Promise<string> {
  const { maxBytes } = options;
  const name = inlineCode(attachment.name);
  if (attachment.size > maxBytes) throw tooLarge(name, attachment.size, maxBytes);
  let url: URL;
  try {
    url = new URL(attachment.url);
  } catch {
    throw new UserError(`Could not read ${name}: its link is not a Discord attachment link.`);
  }
  const ownOrigin = options.apiUrl ? new URL(options.apiUrl).origin : undefined;
  if (!(url.protocol === "https:" && CDN_HOSTS.has(url.hostname)) && url.origin !== ownOrigin) {
    throw new UserError(`Could not read ${name}: its link is not a Discord attachment link.`);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      redirect: "error",
    });
  } catch {
    throw new UserError(`Could not download ${name} from Discord; try again.`);
  }
  if (!response.ok || !response.body) {
    throw new UserError(`Could not download ${name} from Discord (${response.status}); attach it again.`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(name, size, maxBytes);
    chunks.push(chunk);
  }
  const text = new TextDecoder("utf-8", { fatal: true });
  try {
    return text.decode(Buffer.concat(chunks));
  } catch {
    throw new UserError(`${name} is not UTF-8 text.`);
  }
}

function tooLarge(name: string, size: number, maxBytes: number): UserError {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return new UserError(`${name} is too large (${mb(size)}); at most ${mb(maxBytes)} is accepted.`);
}
