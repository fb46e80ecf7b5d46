import type { JsonObject } from "./types.ts";

/** An error the stand-in answers over REST with Discord's body shape `{ message, code, errors? }`. */
export class DiscordApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: JsonObject,
  ) {
    super(message);
  }

  body(): JsonObject {
    return this.errors
      ? { message: this.message, code: this.code, errors: this.errors }
      : { message: this.message, code: this.code };
  }
}

/** A test or tool used the stand-in in a way Discord's own client would not allow. */
export class StandInUsageError extends Error {
  override name = "StandInUsageError";
}

export const apiErrors = {
  notFound: () => new DiscordApiError(404, 0, "404: Not Found"),
  methodNotAllowed: () => new DiscordApiError(405, 0, "405: Method Not Allowed"),
  unauthorized: () => new DiscordApiError(401, 0, "401: Unauthorized"),
  unknownChannel: () => new DiscordApiError(404, 10003, "Unknown Channel"),
  unknownGuild: () => new DiscordApiError(404, 10004, "Unknown Guild"),
  unknownMember: () => new DiscordApiError(404, 10007, "Unknown Member"),
  unknownMessage: () => new DiscordApiError(404, 10008, "Unknown Message"),
  unknownUser: () => new DiscordApiError(404, 10013, "Unknown User"),
  unknownWebhook: () => new DiscordApiError(404, 10015, "Unknown Webhook"),
  unknownEmoji: () => new DiscordApiError(400, 10014, "Unknown Emoji"),
  unknownInteraction: () => new DiscordApiError(404, 10062, "Unknown interaction"),
  unknownCommand: () => new DiscordApiError(404, 10063, "Unknown application command"),
  missingAccess: () => new DiscordApiError(403, 50001, "Missing Access"),
  cannotEditOthersMessage: () =>
    new DiscordApiError(403, 50005, "Cannot edit a message authored by another user"),
  emptyMessage: () => new DiscordApiError(400, 50006, "Cannot send an empty message"),
  missingPermissions: () => new DiscordApiError(403, 50013, "Missing Permissions"),
  invalidWebhookToken: () => new DiscordApiError(401, 50027, "Invalid Webhook Token"),
  invalidApiVersion: () => new DiscordApiError(400, 50041, "Invalid API version"),
  alreadyAcknowledged: () => new DiscordApiError(400, 40060, "Interaction has already been acknowledged."),
  invalidFormBody: (errors: JsonObject) => new DiscordApiError(400, 50035, "Invalid Form Body", errors),
};

type Path = readonly (string | number)[];

/**
 * Collects field errors and renders them as Discord nests them:
 * `{ "embeds": { "0": { "title": { "_errors": [{ "code", "message" }] } } } }`.
 */
export class FormErrors {
  private readonly entries: { path: Path; code: string; message: string }[] = [];

  add(path: Path, code: string, message: string): void {
    this.entries.push({ path, code, message });
  }

  maxLength(path: Path, value: unknown, max: number): void {
    if (typeof value === "string" && [...value].length > max) {
      this.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
    }
  }

  get count(): number {
    return this.entries.length;
  }

  toJson(): JsonObject {
    const root: JsonObject = {};
    for (const { path, code, message } of this.entries) {
      let node = root;
      for (const key of path) {
        const name = String(key);
        node[name] ??= {};
        node = node[name] as JsonObject;
      }
      node._errors ??= [];
      (node._errors as JsonObject[]).push({ code, message });
    }
    return root;
  }

  throwIfAny(): void {
    if (this.entries.length > 0) throw apiErrors.invalidFormBody(this.toJson());
  }
}
