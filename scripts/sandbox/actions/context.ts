import type {
  ApiChannel,
  ApiModal,
  ApiUser,
  DiscordStandIn,
  StoredMessage,
} from "../../../test/stand-in/index.ts";
import type { RenderContext } from "../render-text.ts";

/** What one line's action needs: the world, who is typing where, and how to speak. */
export interface ActionContext {
  standIn: DiscordStandIn;
  user: ApiUser;
  channel: ApiChannel;
  render: RenderContext;
  /** every message the bot has sent so far, oldest first, current state */
  botMessages(): StoredMessage[];
  /** the newest modal the bot opened for each user (by id) and not yet submitted */
  openModals: Map<string, ApiModal>;
  print(text: string): void;
  /** Discord's client (or the sandbox) refuses the line: printed, not a failure of the bot */
  refuse(message: string): void;
  /** The bot failed to answer properly: printed and counted (a --script run then exits 1) */
  botFailed(reason: string): void;
}

/** Discord's window for the first answer to an interaction. */
export const ANSWER_WINDOW_MS = 3_000;
/** How long a deferred ("thinking…") answer may take to be filled in (Discord allows 15 minutes). */
export const DEFERRED_WINDOW_MS = 15_000;
