import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type AttachmentPayload,
  MessageFlags,
  type MessageMentionOptions,
  type RepliableInteraction,
} from "discord.js";
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

type DeferMode = "reply" | "update";
const deferred = new WeakMap<RepliableInteraction, DeferMode>();

/** Ephemeral "thinking…": the answer then replaces it with editReply. */
export async function deferEphemeral(interaction: RepliableInteraction): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  deferred.set(interaction, "reply");
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
export function deferWhenSlow(interaction: RepliableInteraction, afterMs: number): SlowAnswer {
  let deferring: Promise<void> | undefined;
  const timer = setTimeout(() => {
    deferring = deferEphemeral(interaction).catch(() => undefined);
  }, afterMs);
  return {
    get deferred() {
      return deferred.get(interaction) === "reply";
    },
    async settle() {
      clearTimeout(timer);
      await deferring;
    },
  };
}

/** A component's message will be edited later; refusals go to a separate ephemeral follow-up. */
export async function deferComponentUpdate(
  interaction: RepliableInteraction & { deferUpdate(): Promise<unknown> },
): Promise<void> {
  await interaction.deferUpdate();
  deferred.set(interaction, "update");
}

/** Answers only the actor, whatever has happened to the interaction so far. */
export async function answerEphemeral(
  interaction: RepliableInteraction,
  body: ReplyBody | string,
): Promise<void> {
  const payload = messageBody(typeof body === "string" ? { content: body } : body);
  const mode = deferred.get(interaction);
  if (mode === "reply" && !interaction.replied) {
    await interaction.editReply(payload);
  } else if (interaction.replied || interaction.deferred) {
    await interaction.followUp({ ...payload, flags: MessageFlags.Ephemeral });
  } else {
    await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
  }
}
