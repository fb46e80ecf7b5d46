import type { Core } from "../core.ts";
import { StandInUsageError } from "../errors.ts";
import type { StoredMessage } from "../state/messages.ts";
import type { JsonObject } from "../types.ts";
import { walk } from "../validate/components.ts";
import { dispatchInteraction } from "./dispatch.ts";
import { interactionEnvelope, resolveActor } from "./envelope.ts";
import { InteractionRecord, InteractionType } from "./record.ts";

export interface ComponentInput {
  /** the message the component is on (its id or the message object) */
  message: string | { id: string };
  /** user id or username */
  userId: string;
  /** send even what Discord's client would not: a custom_id not on the message, a disabled button, someone else's ephemeral message */
  unchecked?: boolean;
}

export type ButtonInput = ComponentInput &
  ({ customId: string; label?: undefined } | { label: string; customId?: undefined });

export function clickButton(core: Core, input: ButtonInput): InteractionRecord {
  const stored = messageFor(core, input);
  const component = findComponent(
    stored,
    (c) =>
      c.type === 2 &&
      (input.customId !== undefined ? c.custom_id === input.customId : c.label === input.label),
  );
  const what = input.customId !== undefined ? `custom_id ${input.customId}` : `label "${input.label}"`;
  if (!component && !(input.unchecked && input.customId !== undefined)) {
    throw new StandInUsageError(
      `message ${stored.message.id} has no button with ${what}; buttons: ${buttonList(stored)}`,
    );
  }
  if (component?.style === 5) throw new StandInUsageError(`the button with ${what} is a link button`);
  if (component?.disabled === true && !input.unchecked)
    throw new StandInUsageError(`the button with ${what} is disabled`);
  const customId = String(component?.custom_id ?? input.customId);
  const data: JsonObject = { custom_id: customId, component_type: 2 };
  if (typeof component?.id === "number") data.id = component.id;
  return dispatchComponent(core, input, stored, data, `button ${customId}`);
}

/** Picks options of a string select menu. */
export function selectMenu(
  core: Core,
  input: ComponentInput & { customId: string; values: string[] },
): InteractionRecord {
  const stored = messageFor(core, input);
  const component = findComponent(stored, (c) => c.type === 3 && c.custom_id === input.customId);
  if (!component && !input.unchecked)
    throw new StandInUsageError(`message ${stored.message.id} has no string select ${input.customId}`);
  if (component && !input.unchecked) {
    const offered = new Set(((component.options ?? []) as JsonObject[]).map((o) => o.value));
    const bad = input.values.filter((v) => !offered.has(v));
    if (bad.length > 0) throw new StandInUsageError(`select ${input.customId} offers no ${bad.join(", ")}`);
    const min = typeof component.min_values === "number" ? component.min_values : 1;
    const max = typeof component.max_values === "number" ? component.max_values : 1;
    if (input.values.length < min || input.values.length > max) {
      throw new StandInUsageError(`select ${input.customId} takes ${min}–${max} values`);
    }
  }
  const data: JsonObject = { custom_id: input.customId, component_type: 3, values: input.values };
  if (typeof component?.id === "number") data.id = component.id;
  return dispatchComponent(core, input, stored, data, `select ${input.customId}`);
}

function dispatchComponent(
  core: Core,
  input: ComponentInput,
  stored: StoredMessage,
  data: JsonObject,
  label: string,
) {
  const actor = resolveActor(core, { channelId: stored.message.channel_id, userId: input.userId });
  if (stored.ephemeral && stored.visibleTo !== actor.userId && !input.unchecked) {
    throw new StandInUsageError(
      `message ${stored.message.id} is ephemeral: only its recipient sees its components`,
    );
  }
  const payload = interactionEnvelope(core, actor, InteractionType.MessageComponent, data, stored.message);
  const kind = data.component_type === 2 ? "button" : "select";
  return dispatchInteraction(core, new InteractionRecord(payload, kind, label, stored.message.id));
}

function messageFor(core: Core, input: ComponentInput): StoredMessage {
  const id = typeof input.message === "string" ? input.message : input.message.id;
  const stored = core.messages.get(id);
  if (!stored || stored.deleted) throw new StandInUsageError(`no message ${id}`);
  return stored;
}

function findComponent(stored: StoredMessage, match: (c: JsonObject) => boolean): JsonObject | undefined {
  let found: JsonObject | undefined;
  walk(stored.message.components, [], (c) => {
    if (!found && match(c)) found = c;
  });
  return found;
}

function buttonList(stored: StoredMessage): string {
  const labels: string[] = [];
  walk(stored.message.components, [], (c) => {
    if (c.type === 2) labels.push(`"${String(c.label ?? "")}" (${String(c.custom_id ?? c.url ?? "")})`);
  });
  return labels.join(", ") || "none";
}
