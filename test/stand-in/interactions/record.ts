import { performance } from "node:perf_hooks";
import type { ApiChoice, ApiInteraction, ApiModal, Json, Snowflake } from "../types.ts";
import { Waiters } from "../wait.ts";

export type InteractionKind =
  | "slash"
  | "button"
  | "select"
  | "modal"
  | "autocomplete"
  | "message-context"
  | "user-context";

export type InteractionEventKind =
  | "callback"
  | "original-edited"
  | "followup"
  | "message-edited"
  | "message-deleted";

export interface InteractionEvent {
  kind: InteractionEventKind;
  /** Date.now() */
  at: number;
  messageId?: Snowflake;
  callbackType?: number;
}

export interface CallbackInfo {
  type: number;
  data: Json | undefined;
  at: number;
  /** ms from dispatch of INTERACTION_CREATE to the arrival of the callback request */
  latencyMs: number;
}

export interface RefusedCallback {
  at: number;
  status: number;
  code: number;
  type: number | undefined;
}

export const InteractionType = {
  Ping: 1,
  ApplicationCommand: 2,
  MessageComponent: 3,
  Autocomplete: 4,
  ModalSubmit: 5,
} as const;

export const CallbackType = {
  Pong: 1,
  ChannelMessage: 4,
  DeferredChannelMessage: 5,
  DeferredUpdateMessage: 6,
  UpdateMessage: 7,
  AutocompleteResult: 8,
  Modal: 9,
} as const;

/** One interaction's life: dispatch, the callback (or its refusals), the original response, follow-ups. */
export class InteractionRecord {
  readonly dispatchedAt = Date.now();
  readonly dispatchedHr = performance.now();
  callback?: CallbackInfo;
  /** the message @original refers to: the response (4/5) or the component's message (6/7) */
  originalMessageId?: Snowflake;
  /** a deferred (type 5) response that nothing has filled in yet */
  originalLoading = false;
  /** after a deferred update (6): how many versions the component's message had then */
  sourceVersionsAtCallback?: number;
  readonly followUpIds: Snowflake[] = [];
  modal?: ApiModal;
  choices?: ApiChoice[];
  readonly refused: RefusedCallback[] = [];
  readonly events: InteractionEvent[] = [];
  readonly waiters = new Waiters();

  constructor(
    readonly payload: ApiInteraction,
    readonly kind: InteractionKind,
    /** what a person would call it: "/task create", "button t1:approve:12:3" */
    readonly label: string,
    /** for components and modals opened from one: the message the component is on */
    readonly sourceMessageId?: Snowflake,
  ) {}

  get id(): Snowflake {
    return this.payload.id;
  }

  get token(): string {
    return this.payload.token;
  }

  get userId(): Snowflake {
    return this.payload.member.user.id;
  }

  record(event: Omit<InteractionEvent, "at">): void {
    this.events.push({ ...event, at: Date.now() });
    this.waiters.notify();
  }

  refuse(status: number, code: number, type: number | undefined): void {
    this.refused.push({ at: Date.now(), status, code, type });
    this.waiters.notify();
  }
}
