import type { TaskView } from "../../domain/task-view.ts";
import type { ClaimedRow, OutboxMessage } from "../../services/contracts.ts";
import { refresh } from "../cards/refresh.ts";
import { sendAnnouncement, sendAnswer, sendAssignment, sendReminder, sendRework } from "./agent-senders.ts";
import { NotReadyError } from "./delivery-failure.ts";
import type { OutboxSender, SendResult } from "./outbox-dispatcher.ts";
import { sendComment, sendCreatorNotice, sendQuestion, sendReviewRequest } from "./people-senders.ts";
import { type DiscordSenderDeps, loadTask, readyClient, senderCardDeps } from "./sender-kit.ts";
import { openThread, renameThread } from "./task-thread.ts";

/** One sender for each kind the task engine writes (OutboxMessage, src/store/outbox.ts): a new kind needs one. */
export function createDiscordSenders(deps: DiscordSenderDeps): Record<OutboxMessage["kind"], OutboxSender> {
  return {
    card: (row) => sendCard(deps, row),
    assignment: (row) => sendAssignment(deps, row),
    announcement: (row) => sendAnnouncement(deps, row),
    rework: (row) => sendRework(deps, row),
    review_request: (row) => sendReviewRequest(deps, row),
    creator_notice: (row) => sendCreatorNotice(deps, row),
    question: (row) => sendQuestion(deps, row),
    answer: (row) => sendAnswer(deps, row),
    reminder: (row) => sendReminder(deps, row),
    thread: (row) => sendThread(deps, row),
    comment: (row) => sendComment(deps, row),
    thread_name: async (row) => {
      readyClient(deps);
      const view = await loadTask(deps, row);
      return view ? renameThread(deps, view) : { messageId: null, note: "task no longer exists" };
    },
  };
}

/** Opens the thread on a new task's card (channels with threads on); waits for the card to be posted. */
async function sendThread(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
  readyClient(deps);
  const view = await loadTask(deps, row);
  if (!view) return { messageId: null, note: "task no longer exists" };
  const threadId = await openThread(deps, view);
  return threadId ? { messageId: threadId } : { messageId: null, note: "the task has no thread" };
}

async function sendCard(deps: DiscordSenderDeps, row: ClaimedRow): Promise<SendResult> {
  const client = readyClient(deps);
  const view = await loadTask(deps, row);
  if (!view) return { messageId: null, note: "task no longer exists" };
  // Another edit may land after ours (a click's, another instance's): then the newest view is shown again,
  // whatever became of this row meanwhile (a click may have settled it).
  for (let shown: TaskView | null = view, attempt = 0; shown && attempt < 3; attempt += 1) {
    const { outcome, messageId } = await refresh(senderCardDeps(deps, client), shown);
    // The creating interaction is still posting this card (it records it within moments), or died
    // doing so: come back soon; waits back off and the grace ends in a takeover.
    if (outcome === "pending") throw new NotReadyError("another poster is posting this card", 250);
    if (outcome === "gone") return { messageId: null, note: "the channel no longer exists" };
    if (outcome !== "superseded")
      return { messageId, note: outcome === "current" ? "card already current" : undefined };
    shown = await loadTask(deps, row);
  }
  throw new NotReadyError("newer edits kept racing this card's", 250);
}
