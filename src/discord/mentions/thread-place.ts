import type { Message } from "discord.js";
import type { Actor, CardService } from "../../services/contracts.ts";

/** Where a mention acts: its channel, or for a task's thread the task's channel, on that task by default. */
export interface MentionPlace {
  channelId: string;
  actor: Actor;
  /** The task whose thread the message is in. */
  threadTask?: number;
}

/**
 * A message in a task's thread acts in the task's channel, with the rights the thread gives: its
 * parent's overwrites, and Send Messages in Threads to write. A thread the actor cannot view, or one
 * whose task lives elsewhere than the thread's parent, is just a channel (the number must be given).
 */
export async function placeOfMention(
  cards: Pick<CardService, "taskOfThread" | "header">,
  message: Message<true>,
  actor: Actor,
): Promise<MentionPlace> {
  const here: MentionPlace = { channelId: message.channelId, actor };
  const channel = message.channel;
  if (!channel.isThread() || !channel.parentId) return here;
  const thread = await cards.taskOfThread(message.guildId, channel.id);
  if (!thread) return here;
  const task = await cards.header(thread.taskId);
  if (!task || task.guildId !== message.guildId || task.channelId !== channel.parentId) return here;
  if (!actor.in(channel.id).view) return here;
  const inThread: Actor = {
    ...actor,
    in: (channelId) => (channelId === task.channelId ? actor.in(channel.id) : actor.in(channelId)),
  };
  return { channelId: task.channelId, actor: inThread, threadTask: task.number };
}
