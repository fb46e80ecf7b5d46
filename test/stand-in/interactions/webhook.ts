import type { Core } from "../core.ts";
import { apiErrors, FormErrors } from "../errors.ts";
import type { UploadedFile } from "../rest/read-body.ts";
import type { StoredMessage } from "../state/messages.ts";
import type { Json, JsonObject } from "../types.ts";
import { isEmptyMessage, MessageFlag, validateMessageBody } from "../validate/message-body.ts";
import { interactionMetadata, messageTypeFor } from "./callback.ts";
import { CallbackType, type InteractionRecord } from "./record.ts";

/** The interaction behind /webhooks/{application}/{token}: Unknown Webhook, or expired after 15 minutes. */
export function interactionForWebhook(core: Core, applicationId: string, token: string): InteractionRecord {
  const record = core.interactions.withToken(token);
  if (!record || applicationId !== core.world.application.id) throw apiErrors.unknownWebhook();
  if (Date.now() - record.dispatchedAt > core.settings.followUpWindowMs)
    throw apiErrors.invalidWebhookToken();
  return record;
}

/**
 * A follow-up. Before any callback the webhook does not exist yet. After a deferred reply
 * (type 5) the first follow-up fills in the "thinking…" message instead of adding one, and
 * keeps the deferral's visibility, as on Discord.
 */
export function createFollowUp(
  core: Core,
  record: InteractionRecord,
  body: Json | undefined,
  files: UploadedFile[],
): StoredMessage {
  const cb = record.callback?.type;
  if (cb === undefined || cb === CallbackType.Modal || cb === CallbackType.AutocompleteResult)
    throw apiErrors.unknownWebhook();
  const obj = (body ?? {}) as JsonObject;
  const errors = new FormErrors();
  validateMessageBody(obj, errors, []);
  errors.throwIfAny();
  if (isEmptyMessage(obj, files.length)) throw apiErrors.emptyMessage();
  if (record.originalLoading && record.originalMessageId) {
    const original = core.messages.get(record.originalMessageId)!;
    const { flags: _ignored, ...rest } = obj;
    record.originalLoading = false;
    core.messaging.edit(original, rest, files);
    record.record({ kind: "original-edited", messageId: original.message.id });
    return original;
  }
  const ephemeral = typeof obj.flags === "number" && (obj.flags & MessageFlag.Ephemeral) !== 0;
  const stored = core.messaging.createBotMessage({
    channelId: record.payload.channel_id,
    body: obj,
    type: messageTypeFor(record),
    ephemeral,
    visibleTo: record.userId,
    interactionId: record.id,
    interactionMetadata: {
      ...interactionMetadata(record),
      ...(record.originalMessageId ? { original_response_message_id: record.originalMessageId } : {}),
    },
    viaWebhook: true,
    files,
  });
  record.followUpIds.push(stored.message.id);
  record.record({ kind: "followup", messageId: stored.message.id });
  return stored;
}

/** `@original` or a follow-up id, as long as it belongs to this interaction and still exists. */
export function webhookMessage(core: Core, record: InteractionRecord, ref: string): StoredMessage {
  const id = ref === "@original" ? record.originalMessageId : ref;
  const belongs = id !== undefined && (id === record.originalMessageId || record.followUpIds.includes(id));
  const stored = belongs ? core.messages.get(id) : undefined;
  if (!stored || stored.deleted) throw apiErrors.unknownMessage();
  return stored;
}

export function editWebhookMessage(
  core: Core,
  record: InteractionRecord,
  ref: string,
  body: Json | undefined,
  files: UploadedFile[],
) {
  const stored = webhookMessage(core, record, ref);
  const obj = (body ?? {}) as JsonObject;
  const errors = new FormErrors();
  validateMessageBody(obj, errors, []);
  errors.throwIfAny();
  const merged = { ...(stored.message as unknown as JsonObject), ...obj };
  const wasLoading = record.originalLoading && stored.message.id === record.originalMessageId;
  if (isEmptyMessage(merged, files.length) && !wasLoading) throw apiErrors.emptyMessage();
  if (wasLoading && isEmptyMessage(obj, files.length)) throw apiErrors.emptyMessage();
  if (wasLoading) record.originalLoading = false;
  core.messaging.edit(stored, obj, files);
  const original = stored.message.id === record.originalMessageId;
  record.record({ kind: original ? "original-edited" : "message-edited", messageId: stored.message.id });
  return stored;
}

export function deleteWebhookMessage(core: Core, record: InteractionRecord, ref: string): void {
  const stored = webhookMessage(core, record, ref);
  core.messaging.remove(stored);
  record.record({ kind: "message-deleted", messageId: stored.message.id });
}
