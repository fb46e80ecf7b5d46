// The card buttons and their forms, derived from the transition table's entries (src/domain/transitions.ts).
import type { TaskStatus } from "./task-states.ts";
import {
  type CardButton,
  type CardForm,
  DOMAIN_ACTIONS,
  type DomainAction,
  TRANSITIONS,
  type TransitionRule,
} from "./transitions.ts";

type Transitions = typeof TRANSITIONS;

type AnyButton = Transitions[DomainAction] extends infer R
  ? R extends { buttons: readonly (infer B)[] }
    ? B
    : never
  : never;
type IdOf<B> = B extends { id: infer Id } ? Id : never;
type FormIdOf<B> = B extends { form: { id: infer Id } } ? Id : never;

/** The actions with a card button: the transitions, and Answer. */
export type CardButtonAction = {
  [A in DomainAction]: Transitions[A] extends { buttons: readonly unknown[] } ? A : never;
}[DomainAction];

/** The custom_id action words of the card buttons ("rework" for request_rework). */
export type CardAction = IdOf<AnyButton>;

/** The custom_id words of the forms card buttons open ("rework-reason"). */
export type CardFormId = FormIdOf<AnyButton>;

/** A card button and the action it asks for. */
export interface CardButtonOf {
  action: CardButtonAction;
  button: Omit<CardButton, "id" | "form"> & { id: CardAction; form?: CardFormOf["form"] };
}

/** A form and the action it asks for when sent. */
export interface CardFormOf extends CardButtonOf {
  form: CardForm & { id: CardFormId };
}

/** The buttons in the table's order. */
export const CARD_BUTTONS: readonly CardButtonOf[] = DOMAIN_ACTIONS.flatMap((action) => {
  const rule: TransitionRule = TRANSITIONS[action];
  return (rule.buttons ?? []).map((button) => ({
    action: action as CardButtonAction,
    button: button as CardButtonOf["button"],
  }));
});

export const CARD_ACTIONS = CARD_BUTTONS.map((entry) => entry.button.id) as [CardAction, ...CardAction[]];

const CARD_FORMS: readonly CardFormOf[] = CARD_BUTTONS.flatMap((entry) =>
  entry.button.form ? [{ ...entry, form: entry.button.form }] : [],
);

export const CARD_FORM_IDS = CARD_FORMS.map((entry) => entry.form.id) as [CardFormId, ...CardFormId[]];

/** What a card's buttons depend on. */
export interface CardState {
  status: TaskStatus;
  assigned: boolean;
  waitingForAnswer: boolean;
}

/** The buttons a card in this state shows; Answer only while a question waits. */
export function cardButtonsFor({ status, assigned, waitingForAnswer }: CardState): readonly CardButtonOf[] {
  return CARD_BUTTONS.filter(
    ({ button }) =>
      button.on.includes(status) &&
      (!button.whileQuestion || waitingForAnswer) &&
      (button.whileAssigned === undefined || button.whileAssigned === assigned),
  );
}

/** The button a card button's custom_id names, and the action it asks for. */
export function cardButtonOf(id: CardAction): CardButtonOf {
  return CARD_BUTTONS.find((entry) => entry.button.id === id)!;
}

/** The action a card button's custom_id asks for. */
export function actionOfCardButton(id: CardAction): CardButtonAction {
  return cardButtonOf(id).action;
}

/** The form a modal's custom_id names, its button, and the action it asks for. */
export function cardFormOf(id: CardFormId): CardFormOf {
  return CARD_FORMS.find((entry) => entry.form.id === id)!;
}
