import type { Core } from "../core.ts";
import { apiErrors, DiscordApiError, FormErrors } from "../errors.ts";
import { MessageType } from "../payloads/message.ts";
import type { UploadedFile } from "../rest/read-body.ts";
import type { RouteAnswer } from "../rest/router.ts";
import type { ApiChoice, ApiInteractionMetadata, ApiModal, Json, JsonObject } from "../types.ts";
import { isEmptyMessage, MessageFlag, validateMessageBody } from "../validate/message-body.ts";
import { validateChoices, validateModal } from "../validate/modal.ts";
import { CallbackType, type InteractionRecord, InteractionType } from "./record.ts";

const ALLOWED: Record<number, number[]> = {
  [InteractionType.ApplicationCommand]: [4, 5, 9, 10, 12],
  [InteractionType.MessageComponent]: [4, 5, 6, 7, 9, 10, 12],
  [InteractionType.Autocomplete]: [8],
  [InteractionType.ModalSubmit]: [4, 5, 6, 7, 10, 12],
};

/** POST /interactions/{id}/{token}/callback: Discord's 3-second window, one acknowledgement, and its effects. */
export interface CallbackRequest {
  body: Json | undefined;
  files: UploadedFile[];
  withResponse: boolean;
  /** performance.now() when the request arrived */
  receivedAt: number;
}

export function handleCallback(core: Core, id: string, token: string, request: CallbackRequest): RouteAnswer {
  const { body, files, withResponse, receivedAt } = request;
  const record = core.interactions.get(id);
  if (!record || record.token !== token) throw apiErrors.unknownInteraction();
  const type = ((body ?? {}) as JsonObject).type as number | undefined;
  try {
    if (record.callback) throw apiErrors.alreadyAcknowledged();
    if (Date.now() - record.dispatchedAt > core.settings.interactionTimeoutMs)
      throw apiErrors.unknownInteraction();
    const data = ((body ?? {}) as JsonObject).data as Json | undefined;
    checkType(record, type);
    const answer = apply(core, record, type!, data, files);
    record.callback = { type: type!, data, at: Date.now(), latencyMs: receivedAt - record.dispatchedHr };
    record.record({ kind: "callback", callbackType: type! });
    core.interactionEvent("callback", record);
    return withResponse
      ? { status: 200, body: callbackResponse(core, record, type!, answer) }
      : { status: 204 };
  } catch (error) {
    if (error instanceof DiscordApiError) {
      record.refuse(error.status, error.code, type);
      core.interactionEvent("refused", record);
    }
    throw error;
  }
}

function checkType(record: InteractionRecord, type: number | undefined): void {
  const allowed = ALLOWED[record.payload.type] ?? [];
  const fromComponent = record.sourceMessageId !== undefined;
  const ok =
    typeof type === "number" &&
    allowed.includes(type) &&
    // a modal submitted from a slash command has no message to update
    !((type === CallbackType.DeferredUpdateMessage || type === CallbackType.UpdateMessage) && !fromComponent);
  if (!ok) {
    const errors = new FormErrors();
    errors.add(
      ["type"],
      "INTERACTION_CALLBACK_TYPE_INVALID",
      `Interaction callback type ${type} is not valid for this interaction`,
    );
    errors.throwIfAny();
  }
}

/** Applies the callback; answers the message it created or updated, if any. */
function apply(
  core: Core,
  record: InteractionRecord,
  type: number,
  data: Json | undefined,
  files: UploadedFile[],
) {
  const errors = new FormErrors();
  const obj = (data ?? {}) as JsonObject;
  switch (type) {
    case CallbackType.ChannelMessage: {
      validateMessageBody(obj, errors, ["data"]);
      errors.throwIfAny();
      if (isEmptyMessage(obj, files.length)) throw apiErrors.emptyMessage();
      return respond(core, record, obj, 0, files);
    }
    case CallbackType.DeferredChannelMessage: {
      const flags = typeof obj.flags === "number" ? obj.flags & MessageFlag.Ephemeral : 0;
      const stored = respond(core, record, { content: "", flags }, MessageFlag.Loading, []);
      record.originalLoading = true;
      return stored;
    }
    case CallbackType.DeferredUpdateMessage:
      record.originalMessageId = record.sourceMessageId;
      record.sourceVersionsAtCallback = core.messages.get(record.sourceMessageId!)?.versions.length ?? 0;
      core.interactions.watchSource(record.sourceMessageId!, record);
      return undefined;
    case CallbackType.UpdateMessage: {
      validateMessageBody(obj, errors, ["data"]);
      errors.throwIfAny();
      const source = core.messages.get(record.sourceMessageId!);
      if (!source || source.deleted) throw apiErrors.unknownMessage();
      record.originalMessageId = source.message.id;
      return core.messaging.edit(source, obj, files);
    }
    case CallbackType.AutocompleteResult:
      validateChoices(data, errors, ["data"]);
      errors.throwIfAny();
      record.choices = obj.choices as unknown as ApiChoice[];
      return undefined;
    case CallbackType.Modal:
      validateModal(data, errors, ["data"]);
      errors.throwIfAny();
      record.modal = obj as unknown as ApiModal;
      core.interactions.openModal(record);
      return undefined;
    default:
      return undefined;
  }
}

function respond(
  core: Core,
  record: InteractionRecord,
  body: JsonObject,
  extraFlags: number,
  files: UploadedFile[],
) {
  const ephemeral = typeof body.flags === "number" && (body.flags & MessageFlag.Ephemeral) !== 0;
  const stored = core.messaging.createBotMessage({
    channelId: record.payload.channel_id,
    body,
    type: messageTypeFor(record),
    ephemeral,
    visibleTo: record.userId,
    interactionId: record.id,
    interactionMetadata: interactionMetadata(record),
    viaWebhook: true,
    extraFlags,
    files,
  });
  record.originalMessageId = stored.message.id;
  return stored;
}

export function messageTypeFor(record: InteractionRecord): number {
  if (record.payload.type !== InteractionType.ApplicationCommand) return MessageType.Default;
  return record.kind === "slash" ? MessageType.ChatInputCommand : MessageType.ContextMenuCommand;
}

export function interactionMetadata(record: InteractionRecord): ApiInteractionMetadata {
  const p = record.payload;
  const meta: ApiInteractionMetadata = {
    id: p.id,
    type: p.type,
    user: p.member.user,
    authorizing_integration_owners: p.authorizing_integration_owners,
  };
  if (p.type === InteractionType.ApplicationCommand) {
    meta.name = String(p.data.name);
    meta.command_type = p.data.type as number;
    if (p.data.target_id && record.kind === "message-context")
      meta.target_message_id = String(p.data.target_id);
  }
  if (record.sourceMessageId && p.type === InteractionType.MessageComponent)
    meta.interacted_message_id = record.sourceMessageId;
  return meta;
}

function callbackResponse(
  core: Core,
  record: InteractionRecord,
  type: number,
  stored: ReturnType<typeof apply>,
): Json {
  const interaction: JsonObject = { id: record.id, type: record.payload.type };
  const resource: JsonObject = { type };
  const message =
    stored?.message ??
    (record.originalMessageId ? core.messages.get(record.originalMessageId)?.message : undefined);
  if (message && (type === 4 || type === 5 || type === 7)) {
    interaction.response_message_id = message.id;
    interaction.response_message_loading = type === 5;
    interaction.response_message_ephemeral = (message.flags & MessageFlag.Ephemeral) !== 0;
    resource.message = message as unknown as JsonObject;
  }
  return { interaction, resource };
}
