import type { Core } from "../core.ts";
import { StandInUsageError } from "../errors.ts";
import type { ApiModal, JsonObject } from "../types.ts";
import { dispatchInteraction } from "./dispatch.ts";
import { interactionEnvelope, resolveActor } from "./envelope.ts";
import { InteractionRecord, InteractionType } from "./record.ts";

export interface ModalSubmitInput {
  /** user id or username: the person who has the modal open */
  userId: string;
  /** which open modal (default: the newest one of this user) */
  customId?: string;
  /** text input values by custom_id */
  fields: Record<string, string>;
  /**
   * Send a modal submit although no such modal is open (a forged or stale one): needs customId
   * and channelId; the fields are sent as action rows of text inputs.
   */
  unchecked?: boolean;
  channelId?: string;
  guildId?: string;
}

/**
 * Submits a modal the bot showed to this user, mirroring its layout (action rows or labels), as
 * Discord's client does: required inputs and length limits are checked, the modal then closes.
 */
export function submitModal(core: Core, input: ModalSubmitInput): InteractionRecord {
  const user = core.world.user(input.userId);
  const open = core.interactions.findModal(user.id, input.customId);
  if (!open) {
    if (!input.unchecked) {
      const titles = core.interactions.openModals(user.id).map((m) => m.record.modal?.custom_id);
      throw new StandInUsageError(
        `${user.username} has no open modal${input.customId ? ` ${input.customId}` : ""}; open: ${titles.join(", ") || "none"}`,
      );
    }
    if (!input.customId || !input.channelId)
      throw new StandInUsageError("an unchecked modal submit needs customId and channelId");
    const actor = resolveActor(core, {
      channelId: input.channelId,
      userId: user.id,
      ...(input.guildId ? { guildId: input.guildId } : {}),
    });
    const components = Object.entries(input.fields).map(([custom_id, value], i) => ({
      type: 1,
      id: i * 2 + 1,
      components: [{ type: 4, id: i * 2 + 2, custom_id, value }],
    }));
    const payload = interactionEnvelope(core, actor, InteractionType.ModalSubmit, {
      custom_id: input.customId,
      components,
    });
    return dispatchInteraction(core, new InteractionRecord(payload, "modal", `modal ${input.customId}`));
  }
  const opener = open.record;
  const modal = opener.modal!;
  const components = answerModal(modal, input.fields);
  core.interactions.closeModal(user.id, open);
  const actor = resolveActor(core, { channelId: opener.payload.channel_id, userId: user.id });
  const source = opener.sourceMessageId ? core.messages.get(opener.sourceMessageId) : undefined;
  const payload = interactionEnvelope(
    core,
    actor,
    InteractionType.ModalSubmit,
    { custom_id: modal.custom_id, components },
    source?.message,
  );
  return dispatchInteraction(
    core,
    new InteractionRecord(payload, "modal", `modal ${modal.custom_id}`, source?.message.id),
  );
}

function answerModal(modal: ApiModal, fields: Record<string, string>): JsonObject[] {
  const known = new Set<string>();
  let nextId = 1;
  const answer = (input: JsonObject, labelText?: unknown): JsonObject => {
    const customId = String(input.custom_id);
    known.add(customId);
    const value = fields[customId] ?? (typeof input.value === "string" ? input.value : "");
    const label = String(labelText ?? input.label ?? customId);
    if (input.required !== false && value.length === 0)
      throw new StandInUsageError(`modal ${modal.custom_id}: "${label}" is required`);
    if (typeof input.min_length === "number" && value.length > 0 && value.length < input.min_length) {
      throw new StandInUsageError(
        `modal ${modal.custom_id}: "${label}" needs at least ${input.min_length} characters`,
      );
    }
    const max = typeof input.max_length === "number" ? input.max_length : 4000;
    if (value.length > max)
      throw new StandInUsageError(`modal ${modal.custom_id}: "${label}" takes at most ${max} characters`);
    return { type: 4, id: typeof input.id === "number" ? input.id : nextId++, custom_id: customId, value };
  };
  const components = modal.components.map((c): JsonObject => {
    const id = typeof c.id === "number" ? c.id : nextId++;
    if (c.type === 1)
      return { type: 1, id, components: ((c.components ?? []) as JsonObject[]).map((i) => answer(i)) };
    if (c.type === 18) return { type: 18, id, component: answer(c.component as JsonObject, c.label) };
    return { type: c.type ?? 10, id };
  });
  const unknown = Object.keys(fields).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new StandInUsageError(
      `modal ${modal.custom_id} has no input ${unknown.join(", ")}; inputs: ${[...known].join(", ")}`,
    );
  }
  return components;
}
