import { withMentions } from "../mentions.ts";
import { type ActionContext, ANSWER_WINDOW_MS } from "./context.ts";

/**
 * `say @Tasklane next`: a message in the channel as the current user (agents included). When it
 * mentions the bot, the bot must reply (never silence): no reply within 3 s is a failure.
 */
export async function runSay(text: string, ctx: ActionContext): Promise<void> {
  const { standIn } = ctx;
  const content = withMentions(text, standIn);
  const mark = standIn.messageMark();
  const sent = standIn.sendMessage({ channelId: ctx.channel.id, authorId: ctx.user.id, content });
  if (!sent.mentions.some((u) => u.id === standIn.botUser.id)) return;
  await standIn
    .waitForMessage(
      { sentBy: "bot", kind: "create", where: (m) => m.message_reference?.message_id === sent.id },
      { since: mark, timeoutMs: ANSWER_WINDOW_MS },
    )
    .catch(() => ctx.botFailed(`no reply to ${ctx.user.username}'s mention within 3 s`));
}
