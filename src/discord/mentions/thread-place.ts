import type { Channel, Message } from "discord.js";
import type { Actor, CardService } from "../../services/contracts.ts";

/** Where a command acts: its channel, or for a task's thread the task's channel, on that task by default. */
export interface CommandPlace {
  channelId: string;
  actor: Actor;
  /** The task whose thread the command was given in. */
  threadTask?: number;
}

/** Where a mention acts (see placeIn). */
export function placeOfMention(
  cards: Pick<CardService, "taskOfThread" | "header">,
  message: Message<true>,
  actor: Actor,
): Promise<CommandPlace> {
  return placeIn(cards, message.guildId, message.channelId, message.channel, actor);
}

/**
 * A command given in a task's thread acts in the task's channel, with the rights the thread gives: its
 * parent's overwrites, and Send Messages in Threads to write. A thread the actor cannot view, or one
 * whose task lives elsewhere than the thread's parent, is just a channel (the number must be given).
 */
export async function placeIn(
  cards: Pick<CardService, "taskOfThread" | "header">,
  guildId: string,
  channelId: string,
  channel: Channel | null,
  actor: Actor,
): Promise<CommandPlace> {
  const here: CommandPlace = { channelId, actor };
  if (!channel?.isThread() || !channel.parentId) return here;
  const thread = await cards.taskOfThread(guildId, channel.id);
  if (!thread) return here;
  const task = await cards.header(thread.taskId);
  if (!task || task.guildId !== guildId || task.channelId !== channel.parentId) return here;
  if (!actor.in(channel.id).view) return here;
  const inThread: Actor = {
    ...actor,
    in: (id) => (id === task.channelId ? actor.in(channel.id) : actor.in(id)),
  };
  return { channelId: task.channelId, actor: inThread, threadTask: task.number };
}
