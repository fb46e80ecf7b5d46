import { CARD_ACTIONS, CARD_FORM_IDS, type CardAction, type CardFormId } from "../domain/card-buttons.ts";

/**
 * The one codec for every custom_id Tasklane puts on a button or modal. A custom_id comes back from
 * the client, so it is input like any other: parseCustomId accepts only what encodeCustomId can
 * produce and returns null for anything forged, garbled or oversized.
 *
 *   t2:<action>:<taskId>:<number>:<version>   a card button: the task's internal id and its #number
 *   t1:<action>:<taskId>:<version>            a card button posted before the number was carried (number null)
 *   t1:<form>:<taskId>:<version>              the form a card button opens (rework-reason, submit-note-text, answer-text)
 *   t1:create-task                            the Create task from message modal
 *   t1:page:<token>                           a list's Previous/Next button (token names stored list state)
 *
 * A card button carries the number so a click can act on "#number in the server it came from" at once;
 * the service then refuses it unless that task's id is the taskId beside it (a copied or edited
 * custom_id never reaches another task). Cards posted as t1 still work: their task is looked up by id.
 */

export { CARD_ACTIONS, CARD_FORM_IDS, type CardAction, type CardFormId } from "../domain/card-buttons.ts";

export const CUSTOM_ID_MAX_LENGTH = 100;
const PREFIX = "t1";
const CARD_PREFIX = "t2";

export type CustomId =
  | { kind: "card"; action: CardAction; taskId: number; number: number | null; version: number }
  | { kind: "card_form"; form: CardFormId; taskId: number; version: number }
  | { kind: "create_modal" }
  | { kind: "page"; token: string };

/** Postgres `integer`: anything larger cannot name a row. */
const MAX_INT = 2_147_483_647;
const POSITIVE_INT = /^[1-9]\d{0,9}$/;
const PAGE_TOKEN = /^[A-Za-z0-9_-]{1,40}$/;

export function encodeCustomId(id: CustomId): string {
  const raw = encode(id);
  if (raw.length > CUSTOM_ID_MAX_LENGTH)
    throw new Error(`custom_id longer than ${CUSTOM_ID_MAX_LENGTH}: ${raw}`);
  return raw;
}

function encode(id: CustomId): string {
  switch (id.kind) {
    case "card":
      return id.number === null
        ? `${PREFIX}:${id.action}:${id.taskId}:${id.version}`
        : `${CARD_PREFIX}:${id.action}:${id.taskId}:${id.number}:${id.version}`;
    case "card_form":
      return `${PREFIX}:${id.form}:${id.taskId}:${id.version}`;
    case "create_modal":
      return `${PREFIX}:create-task`;
    case "page":
      if (!PAGE_TOKEN.test(id.token)) throw new Error(`invalid page token: ${id.token}`);
      return `${PREFIX}:page:${id.token}`;
  }
}

export function parseCustomId(raw: unknown): CustomId | null {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > CUSTOM_ID_MAX_LENGTH) return null;
  const parts = raw.split(":");
  if (parts[0] === CARD_PREFIX) return parseCard(parts);
  if (parts[0] !== PREFIX) return null;
  const [, action, first, second] = parts;
  if (parts.length === 2 && action === "create-task") return { kind: "create_modal" };
  if (parts.length === 3 && action === "page" && PAGE_TOKEN.test(first!))
    return { kind: "page", token: first! };
  if (parts.length !== 4) return null;
  const taskId = positiveInt(first!);
  const version = positiveInt(second!);
  if (taskId === null || version === null) return null;
  if (isCardFormId(action!)) return { kind: "card_form", form: action, taskId, version };
  if (isCardAction(action!)) return { kind: "card", action, taskId, number: null, version };
  return null;
}

function parseCard(parts: string[]): CustomId | null {
  if (parts.length !== 5) return null;
  const [, action, ...numbers] = parts;
  const [taskId, number, version] = numbers.map(positiveInt);
  if (taskId == null || number == null || version == null || !isCardAction(action!)) return null;
  return { kind: "card", action, taskId, number, version };
}

function isCardAction(value: string): value is CardAction {
  return (CARD_ACTIONS as readonly string[]).includes(value);
}

function isCardFormId(value: string): value is CardFormId {
  return (CARD_FORM_IDS as readonly string[]).includes(value);
}

function positiveInt(text: string): number | null {
  if (!POSITIVE_INT.test(text)) return null;
  const value = Number(text);
  return value <= MAX_INT ? value : null;
}
