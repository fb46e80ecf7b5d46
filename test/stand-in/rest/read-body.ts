import type { IncomingMessage } from "node:http";
import type { Json, JsonObject } from "../types.ts";
import { parseMultipart } from "./multipart.ts";

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string | null;
  size: number;
}

/** The bytes of an uploaded file, kept beside it (not in it) so the request log does not carry them. */
const uploadedBytes = new WeakMap<UploadedFile, Buffer>();

export function bytesOf(file: UploadedFile): Buffer {
  return uploadedBytes.get(file) ?? Buffer.alloc(0);
}

export interface RequestBody {
  /** the JSON body, or `payload_json` (plus plain fields) of a multipart body */
  json: Json | undefined;
  files: UploadedFile[];
  /** "json", "multipart" or "none" */
  encoding: "json" | "multipart" | "none";
}

export class BodyError extends Error {}

export async function readBody(req: IncomingMessage): Promise<RequestBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return { json: undefined, files: [], encoding: "none" };
  const type = req.headers["content-type"] ?? "";
  if (type.startsWith("multipart/form-data")) return fromMultipart(raw, type);
  try {
    return { json: JSON.parse(raw.toString("utf8")) as Json, files: [], encoding: "json" };
  } catch {
    throw new BodyError("The request body contains invalid JSON.");
  }
}

function fromMultipart(raw: Buffer, type: string): RequestBody {
  const files: UploadedFile[] = [];
  let json: JsonObject = {};
  for (const part of parseMultipart(raw, type)) {
    if (part.filename !== undefined) {
      const file: UploadedFile = {
        field: part.name,
        filename: part.filename,
        contentType: part.contentType ?? null,
        size: part.data.length,
      };
      uploadedBytes.set(file, part.data);
      files.push(file);
    } else if (part.name === "payload_json") {
      try {
        json = { ...json, ...(JSON.parse(part.data.toString("utf8")) as JsonObject) };
      } catch {
        throw new BodyError("The request body contains invalid JSON.");
      }
    } else {
      json[part.name] = part.data.toString("utf8");
    }
  }
  return { json, files, encoding: "multipart" };
}
