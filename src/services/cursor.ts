import type { z } from "zod";
import { ValidationError } from "../domain/errors.ts";

/** Opaque page cursors: base64url JSON. They come back from clients, so they are parsed like any input. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeCursor<S extends z.ZodType>(
  schema: S,
  cursor: string | null | undefined,
): z.output<S> | null {
  if (!cursor) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (parsed.success) return parsed.data;
  } catch {
    // falls through to the refusal
  }
  throw new ValidationError("cursor", "cursor is not one this list gave out; start from the first page");
}
