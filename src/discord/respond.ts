import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type AttachmentPayload,
  type ButtonInteraction,
  MessageFlags,
  type MessageMentionOptions,
  type ModalMessageModalSubmitInteraction,
  type RepliableInteraction,
} from "discord.js";
import { interactionHttpOf } from "./interaction-http.ts";
import { fitComponents, fitContent, fitEmbeds } from "./render/limits.ts";

/** User text can never ping: every message the bot sends carries this unless it pings an assignee on purpose. */
export const NO_PINGS = { parse: [] } as const satisfies MessageMentionOptions;

export interface ReplyBody {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIButtonComponent>[];
  /** Attached files (an export). */
  files?: AttachmentPayload[];
}

/** Every outgoing message body passes through here: the final check on Discord's limits, mentions disabled. */
export function messageBody(body: ReplyBody) {
  return {
    ...(body.content !== undefined ? { content: fitContent(body.content) } : {}),
    embeds: body.embeds ? fitEmbeds(body.embeds) : [],
    components: fitComponents(body.components ?? []),
    ...(body.files ? { files: body.files } : {}),
    allowedMentions: NO_PINGS,
  };
}

/**
 * The JSON Discord reads for `body` (what discord.js's MessagePayload sends for it, with nothing to
 * convert: embeds and components are already Discord's shapes).
 */
function apiMessage(body: ReplyBody, flags?: number) {
  const { content, embeds, components } = messageBody(body);
  return { content, embeds, components, allowed_mentions: NO_PINGS, ...(flags ? { flags } : {}) };
}

/** Discord's interaction callback types this module sends. */
const Callback = { Reply: 4, DeferredReply: 5, DeferredUpdate: 6, Update: 7 } as const;

/**
 * The interaction's callback over plain HTTP; then the state discord.js would have set, which later
 * code reads (`replied`, `deferred`, `ephemeral`) and discord.js's own methods check.
 */
async function sendCallback(
  interaction: RepliableInteraction,
  type: (typeof Callback)[keyof typeof Callback],
  data?: object & { flags?: number },
  withResponse = false,
): Promise<unknown> {
  if (interaction.deferred || interaction.replied) throw new Error("The interaction was already answered.");
  const answer = await interactionHttpOf(interaction.client).callback(
    interaction.id,
    interaction.token,
    data === undefined ? { type } : { type, data },
    withResponse,
  );
  if (type === Callback.Reply || type === Callback.Update) interaction.replied = true;
  else interaction.deferred = true;
  if (type === Callback.Reply || type === Callback.DeferredReply)
    interaction.ephemeral = ((data?.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
  return answer;
}

/** Edits the interaction's original message, or adds a follow-up, over the interaction's webhook. */
async function sendWebhook(
  interaction: RepliableInteraction,
  kind: "edit" | "followUp",
  data: object,
): Promise<void> {
  const http = interactionHttpOf(interaction.client);
  const { applicationId, token } = interaction;
  if (kind === "edit") await http.webhook("PATCH", applicationId, token, "/messages/@original", data);
  else await http.webhook("POST", applicationId, token, "?wait=true", data);
  interaction.replied = true;
}

type DeferMode = "reply" | "update";
const deferred = new WeakMap<RepliableInteraction, DeferMode>();

/**
 * How long an answer may take before Discord is told "thinking…" (or, for a click, "updating"): the
 * answer nearly always comes first and is then the callback itself, one call (type 4, or 7 for a
 * click on a card) instead of a deferral plus an edit; a slow one still makes the 3-second window.
 */
export const DEFER_AFTER_MS = 1_500;

interface Deferral {
  timer: NodeJS.Timeout | undefined;
  sending: Promise<void> | undefined;
}
const pendingDeferrals = new WeakMap<RepliableInteraction, Deferral>();

/** Ephemeral "thinking…": the answer then replaces it with editReply. */
export async function deferEphemeral(interaction: RepliableInteraction): Promise<void> {
  await sendCallback(interaction, Callback.DeferredReply, { flags: MessageFlags.Ephemeral });
  deferred.set(interaction, "reply");
}

/** A component's message will be edited later; refusals go to a separate ephemeral follow-up. */
export async function deferComponentUpdate(interaction: ComponentInteraction): Promise<void> {
  await sendCallback(interaction, Callback.DeferredUpdate);
  deferred.set(interaction, "update");
}

/** A button or a form opened from a message: what may answer by updating that message. */
export type ComponentInteraction = RepliableInteraction & {
  deferUpdate(): Promise<unknown>;
};

/**
 * Defers only if nothing has answered after `afterMs` ("reply": ephemerally; "update": the clicked
 * message). Whatever answers calls `settleDeferral` first, so the two never race.
 */
export function deferIfSlow(
  interaction: RepliableInteraction,
  mode: DeferMode,
  afterMs = DEFER_AFTER_MS,
): void {
  const deferral: Deferral = { timer: undefined, sending: undefined };
  deferral.timer = setTimeout(() => {
    deferral.timer = undefined;
    const defer =
      mode === "reply"
        ? deferEphemeral(interaction)
        : deferComponentUpdate(interaction as ComponentInteraction);
    deferral.sending = defer.catch(() => undefined);
  }, afterMs);
  pendingDeferrals.set(interaction, deferral);
}

/** Before answering: stops a pending `deferIfSlow`, or waits for the deferral it already sent. */
export async function settleDeferral(interaction: RepliableInteraction): Promise<void> {
  const deferral = pendingDeferrals.get(interaction);
  if (!deferral) return;
  pendingDeferrals.delete(interaction);
  clearTimeout(deferral.timer);
  await deferral.sending;
}

/** How the interaction was acknowledged so far: not yet, deferred as a reply, or as an update. */
export function acknowledgement(interaction: RepliableInteraction): DeferMode | "none" | "answered" {
  if (interaction.replied) return "answered";
  return deferred.get(interaction) ?? (interaction.deferred ? "reply" : "none");
}

export interface SlowAnswer {
  /** True once the actor was shown the ephemeral "thinking…". */
  readonly deferred: boolean;
  /** Stops the timer; waits for a deferral already on its way. */
  settle(): Promise<void>;
}

/**
 * Defers ephemerally only if the work is still running after `afterMs`: a fast answer stays a normal
 * (possibly public) reply, a slow one still makes Discord's 3-second window, and whatever follows the
 * deferral (a refusal, a confirmation) reaches only the actor.
 */
export function deferWhenSlow(interaction: RepliableInteraction, afterMs = DEFER_AFTER_MS): SlowAnswer {
  deferIfSlow(interaction, "reply", afterMs);
  return {
    get deferred() {
      return deferred.get(interaction) === "reply";
    },
    settle: () => settleDeferral(interaction),
  };
}

/** A click's answer that replaces the clicked message: a button, or a form opened from a message. */
export type UpdatableInteraction = ButtonInteraction | ModalMessageModalSubmitInteraction;

/**
 * Shows `body` in place of the clicked message: in the click's own callback (UPDATE_MESSAGE, one call)
 * unless `deferIfSlow` had to defer it, then by editing it.
 */
export async function updateClicked(interaction: UpdatableInteraction, body: ReplyBody): Promise<void> {
  await settleDeferral(interaction);
  if (body.files) {
    const payload = messageBody(body);
    if (interaction.deferred || interaction.replied) await interaction.editReply(payload);
    else await interaction.update(payload);
    return;
  }
  const data = apiMessage(body);
  if (interaction.deferred || interaction.replied) await sendWebhook(interaction, "edit", data);
  else await sendCallback(interaction, Callback.Update, data);
}

/**
 * A public reply (type 4) showing `body`; answers the id of the message it became (Discord's answer
 * to `with_response`), or undefined if Discord did not say.
 */
export async function replyPublicly(
  interaction: RepliableInteraction,
  body: ReplyBody,
): Promise<string | undefined> {
  if (body.files) {
    const response = await interaction.reply({ ...messageBody(body), withResponse: true });
    return response.resource?.message?.id;
  }
  const answer = (await sendCallback(interaction, Callback.Reply, apiMessage(body), true)) as
    | { resource?: { message?: { id?: string } } }
    | undefined;
  return answer?.resource?.message?.id;
}

/** Answers only the actor, whatever has happened to the interaction so far. */
export async function answerEphemeral(
  interaction: RepliableInteraction,
  body: ReplyBody | string,
): Promise<void> {
  await settleDeferral(interaction);
  const reply = typeof body === "string" ? { content: body } : body;
  const mode = deferred.get(interaction);
  if (reply.files) {
    const payload = messageBody(reply);
    if (mode === "reply" && !interaction.replied) await interaction.editReply(payload);
    else if (interaction.replied || interaction.deferred)
      await interaction.followUp({ ...payload, flags: MessageFlags.Ephemeral });
    else await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
    return;
  }
  if (mode === "reply" && !interaction.replied) {
    await sendWebhook(interaction, "edit", apiMessage(reply));
  } else if (interaction.replied || interaction.deferred) {
    await sendWebhook(interaction, "followUp", apiMessage(reply, MessageFlags.Ephemeral));
  } else {
    await sendCallback(interaction, Callback.Reply, apiMessage(reply, MessageFlags.Ephemeral));
  }
}
