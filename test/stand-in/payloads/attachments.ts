import { DiscordApiError } from "../errors.ts";
import { bytesOf, type UploadedFile } from "../rest/read-body.ts";
import type { Cdn } from "../state/cdn.ts";
import type { World } from "../state/world.ts";
import type { JsonObject, Snowflake } from "../types.ts";

/** Discord's upload limits for a bot without boosts: 10 files per message, 10 MiB each. */
export const MAX_ATTACHMENTS = 10;
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/**
 * Attachment objects for the files uploaded with a multipart body (`files[n]`), with the
 * description the JSON part gave attachment `n`, as Discord returns them after upload.
 */
export function uploadedAttachments(
  world: World,
  cdn: Cdn,
  channelId: Snowflake,
  files: UploadedFile[],
  body: JsonObject,
): JsonObject[] {
  if (files.length > MAX_ATTACHMENTS) {
    throw new DiscordApiError(400, 50035, "Invalid Form Body", {
      attachments: {
        _errors: [
          { code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${MAX_ATTACHMENTS} or fewer in length.` },
        ],
      },
    });
  }
  if (files.some((file) => file.size > MAX_UPLOAD_BYTES))
    throw new DiscordApiError(413, 40005, "Request entity too large");
  const described = Array.isArray(body.attachments) ? (body.attachments as JsonObject[]) : [];
  return files.map((file, index) => {
    const id = world.ids.next();
    const slot = /\[(\d+)\]$/.exec(file.field)?.[1];
    const meta = described.find((a) => String(a.id) === (slot ?? String(index)));
    const urls = cdn.put("attachments", channelId, id, file.filename, bytesOf(file), file.contentType);
    const attachment: JsonObject = { id, filename: file.filename, size: file.size, ...urls };
    if (file.contentType) attachment.content_type = file.contentType;
    if (typeof meta?.description === "string") attachment.description = meta.description;
    return attachment;
  });
}

/** On edit, `attachments` lists the existing ones to keep (by id); new uploads are added. */
export function keptAttachments(current: JsonObject[], body: JsonObject): JsonObject[] {
  if (!Array.isArray(body.attachments)) return current;
  const keep = new Set((body.attachments as JsonObject[]).map((a) => String(a.id)));
  return current.filter((a) => keep.has(String(a.id)));
}
