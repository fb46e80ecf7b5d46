import { viewKeys } from "../../cache/keys.ts";
import type { GateDecision } from "../../cache/types.ts";
import { InvalidTransitionError, QueueLimitError } from "../../domain/errors.ts";
import { type EventSource, isLive, statusWords } from "../../domain/task-states.ts";
import type { TaskView } from "../../domain/task-view.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import {
  actionContextSchema,
  type CreateTaskValues,
  createTaskSchemaFor,
} from "../../domain/validation/task-inputs.ts";
import { lockChannelSettings, shareChannelLimit } from "../../store/channel-settings.ts";
import type { Tx } from "../../store/database.ts";
import { insertDependencies } from "../../store/dependencies.ts";
import { armTaskReminders } from "../../store/reminders.ts";
import type { TaskRow } from "../../store/schema.ts";
import { wantThread } from "../../store/task-threads.ts";
import {
  countLiveTasks,
  findNumberByCreateKey,
  insertNumberedTask,
  insertTaskAlone,
} from "../../store/tasks.ts";
import { pgErrorCode, retried } from "../../store/transaction.ts";
import { NEW_CARD_REPLY_GRACE_MS, REPLIED_WITH_CARD } from "../cards/index.ts";
import type { ActionContext, CreateTaskInput } from "../contracts.ts";
import { applyEffects, Effects } from "../effects.ts";
import type { Engine } from "../engine.ts";
import { rebuildGateCounter } from "../gate/gate-drift.ts";
import { mutate } from "../mutate.ts";
import { dueTimeZone, readChannelSettings } from "../settings/settings-view.ts";
import { requireReferable, requireSendIn, viewFor } from "../visibility.ts";
import { refreshBlocker } from "./dependencies.ts";
import { requireTask, requireView } from "./load-task.ts";
import { newTaskView } from "./new-task-view.ts";
import { cardDueAt, eventDetails, isDue, recordChange, target } from "./record-change.ts";

/**
 * Creates a task in ctx.channelId. The cache's limit gate answers the obvious "full" first (no query);
 * a plain count refuses a full channel without queueing on its lock; Postgres decides under the
 * channel's settings row lock; the guild counter hands out the number.
 */
export async function createTask(
  engine: Engine,
  rawCtx: ActionContext,
  raw: CreateTaskInput,
): Promise<TaskView> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const input = parseInput(
    createTaskSchemaFor(raw, engine.now(), await dueTimeZone(engine, rawCtx, raw?.due)),
    raw,
  );
  requireSendIn(ctx, ctx.channelId);
  // A re-delivered interaction is found by its create key: by the unique violation of its insert
  // (below), or, when the channel is full by now, before the refusal. No query on the way in.
  const { gate } = engine.cache;
  const settings = await readChannelSettings(engine, ctx.guildId, ctx.channelId);
  const limit = settings.queueLimit;
  const gateDecision = limit === null ? null : await reserveSlot(engine, ctx.channelId, limit);
  if (gateDecision?.kind === "refused") {
    const replayed = await createdBefore(engine, ctx);
    if (replayed) return viewFor(ctx, replayed);
    throw new QueueLimitError(gateDecision.count, gateDecision.limit);
  }

  let view: TaskView;
  try {
    if (limit !== null && gateDecision?.kind === "unknown") {
      // Without the gate: full at this snapshot is a true answer (the limit held then) and costs no lock.
      const live = await countLiveTasks(engine.db, ctx.channelId);
      if (live >= limit) throw new QueueLimitError(live, limit);
    }
    const insert = (limited: boolean) =>
      mutate(engine, ctx.guildId, (tx, effects) =>
        insertNewTask(tx, effects, ctx, input, { limited, threads: settings.threads }, engine.now()),
      );
    // A limited channel's creates take turns on its settings row for their whole transaction: queue
    // them here, so a burst does not hold a pool connection per waiter. A plain create is one statement.
    // (Due dates arm reminders and threads want a thread row: those take the transaction too.)
    const plain =
      limit === null &&
      input.parentNumber === undefined &&
      input.dependsOn.length === 0 &&
      input.due === undefined &&
      input.repeat === undefined &&
      !settings.threads;
    view =
      (plain ? await insertAlone(engine, ctx, input) : undefined) ??
      (await (limit === null ? insert(false) : engine.creates.run(ctx.channelId, () => insert(true))));
  } catch (error) {
    // Postgres refusing what the gate let through means the counter was low: rebuild it, don't release.
    if (gateDecision?.kind === "reserved") {
      await (error instanceof QueueLimitError
        ? seedGate(engine, ctx.channelId)
        : gate.release(ctx.channelId).catch(() => undefined));
    }
    // The same interaction, delivered twice (or racing itself): the other delivery made the task.
    if (pgErrorCode(error) === "23505" || error instanceof QueueLimitError) {
      const raced = await createdBefore(engine, ctx);
      if (raced) return viewFor(ctx, raced);
    }
    throw error;
  }
  engine.log.debug({ guildId: ctx.guildId, number: view.number }, "task created");
  return viewFor(ctx, view);
}

/**
 * A create with no limit to count and no relatives to lock, in one autocommit statement (number, task,
 * event, card row, assignment row): the guild's counter is never held across a round trip. Undefined
 * when a limit was set on the channel meanwhile; the caller then creates the counted way.
 */
async function insertAlone(
  engine: Engine,
  ctx: ActionContext,
  input: CreateTaskValues,
): Promise<TaskView | undefined> {
  const now = engine.now();
  const assigneeId = input.assigneeId ?? null;
  const cardDue = newCardDueAt(ctx.source, now);
  const messages: { kind: "assignment"; assigneeId: string }[] =
    assigneeId && assigneeId !== ctx.actor.userId ? [{ kind: "assignment", assigneeId }] : [];
  // A change to the new task after it commits (its key deleted) out-ranks the view stored below.
  const mark = engine.cache.views.markNew();
  const task = await retried(() =>
    insertTaskAlone(
      engine.db,
      {
        guildId: ctx.guildId,
        channelId: ctx.channelId,
        title: input.title,
        description: input.description,
        status: "open",
        priority: input.priority,
        labels: input.labels,
        assigneeId,
        createdBy: ctx.actor.userId,
        parentId: null,
        estimateMinutes: input.estimate ?? null,
        dueAt: input.due ?? null,
        createKey: ctx.eventId ?? null,
      },
      {
        event: {
          actorId: ctx.actor.userId,
          kind: "created",
          toStatus: "open",
          source: ctx.source,
          details: eventDetails({ title: input.title, assigneeId }),
        },
        cardDueAt: cardDue,
        messages,
      },
      now,
    ),
  );
  if (!task) return undefined;
  const view = newTaskView(task, null, [], ctx.source);
  const effects = new Effects(ctx.guildId);
  effects.task(task);
  // Its first view (the card it is answered with, a /task view soon after) is a hit.
  effects.fresh.push({
    key: viewKeys.task(ctx.guildId, task.number),
    value: view,
    ttlSeconds: engine.viewTtlSeconds,
    mark,
  });
  // A card left to the create's reply is not due yet: nothing to wake the dispatchers for.
  effects.outbox = messages.length > 0 || isDue(cardDue, now);
  await applyEffects(engine, effects);
  return view;
}

/**
 * A slash command's, a modal's or a context menu's create is answered with the new card, and its reply records and
 * settles the card row (recordCardMessage): the dispatcher would only find the card being posted
 * (refresh's "pending") and come back. It comes once the reply's grace is over, when it may post the
 * card itself (the reply failed, or was deferred and told the card is on its way).
 */
function newCardDueAt(source: EventSource, now: Date): Date {
  return REPLIED_WITH_CARD.has(source)
    ? new Date(now.getTime() + NEW_CARD_REPLY_GRACE_MS)
    : cardDueAt(source, now);
}

/** The task this interaction already created (a re-delivered or retried interaction), if any. */
async function createdBefore(engine: Engine, ctx: ActionContext): Promise<TaskView | undefined> {
  if (!ctx.eventId) return undefined;
  const number = await findNumberByCreateKey(engine.db, ctx.eventId);
  return number === undefined ? undefined : requireView(engine.db, ctx.guildId, number);
}

/**
 * Relatives are looked up (and share-locked) first. Only a channel with a limit serialises its creates
 * (its settings row locked, the live tasks counted); the guild's numbering is the one step all creates
 * of a guild take turns on, from the insert to the commit (insertNumberedTask).
 */
async function insertNewTask(
  tx: Tx,
  effects: Effects,
  ctx: ActionContext,
  input: CreateTaskValues,
  { limited, threads }: { limited: boolean; threads: boolean },
  now: Date,
): Promise<TaskView> {
  const parent =
    input.parentNumber === undefined ? null : await requireTask(tx, ctx.guildId, input.parentNumber, "share");
  if (parent) requireReferable(ctx, parent);
  if (parent && !isLive(parent.status)) {
    throw new InvalidTransitionError(
      `#${parent.number} is ${statusWords(parent.status)}; reopen it before adding subtasks.`,
    );
  }
  // Locked: a dependency can't become done between this check and the commit without seeing the edge,
  // and its card gains "Blocks #n" (in number order, so two creates never wait on each other).
  const dependencies: TaskRow[] = [];
  for (const number of [...input.dependsOn].sort((a, b) => a - b)) {
    const dependency = await requireTask(tx, ctx.guildId, number);
    requireReferable(ctx, dependency);
    dependencies.push(dependency);
  }
  const waiting = dependencies.some((dependency) => dependency.status !== "done");

  // A limit set since the settings were read is seen here (its writer holds the row until it commits).
  if (limited || (await shareChannelLimit(tx, ctx.channelId)) !== null) {
    const settings = await lockChannelSettings(tx, ctx.guildId, ctx.channelId);
    if (settings.queueLimit !== null) {
      const live = await countLiveTasks(tx, ctx.channelId);
      if (live >= settings.queueLimit) throw new QueueLimitError(live, settings.queueLimit);
    }
  }
  const task = await insertNumberedTask(tx, {
    guildId: ctx.guildId,
    channelId: ctx.channelId,
    title: input.title,
    description: input.description,
    status: waiting ? "blocked" : "open",
    priority: input.priority,
    labels: input.labels,
    assigneeId: input.assigneeId ?? null,
    createdBy: ctx.actor.userId,
    parentId: parent?.id ?? null,
    estimateMinutes: input.estimate ?? null,
    dueAt: input.due ?? null,
    recurrence: input.repeat ?? null,
    createKey: ctx.eventId ?? null,
    createdAt: now,
    updatedAt: now,
  });
  await insertDependencies(
    tx,
    task.id,
    dependencies.map((dependency) => dependency.id),
    now,
  );
  await armTaskReminders(tx, task, now);
  const details = {
    title: task.title,
    assigneeId: task.assigneeId,
    repeat: task.recurrence,
    parent: parent?.number,
    dependsOn: input.dependsOn.length > 0 ? input.dependsOn : undefined,
  };
  const change = { task, actorId: ctx.actor.userId, source: ctx.source, kind: "created", to: task.status };
  const messages =
    task.assigneeId && task.assigneeId !== ctx.actor.userId
      ? [
          {
            target: target(task),
            message: {
              kind: "assignment" as const,
              payload: { taskId: task.id, assigneeId: task.assigneeId, attempt: 1 },
            },
          },
        ]
      : [];
  await recordChange(tx, effects, { ...change, details, rows: { messages } }, now);
  // Opened by the outbox once the card is posted (a thread starts on a message); its messages wait for it.
  if (threads) await wantThread(tx, target(task), now);
  // A new task shows up in its parent's view, and on its dependencies' cards ("Blocks #n").
  if (parent) effects.numbers([parent.number]);
  for (const dependency of dependencies)
    await refreshBlocker(tx, effects, ctx, dependency, { dependent: task.number, added: true }, now);
  return newTaskView(task, parent, dependencies, ctx.source);
}

/**
 * A slot from the gate. A missing counter is rebuilt from Postgres first (once per burst in this
 * instance), so a cold channel's burst of creates is refused by the gate, not queued on the lock.
 * With the cache unavailable the answer stays "unknown" and Postgres alone decides.
 */
async function reserveSlot(engine: Engine, channelId: string, limit: number): Promise<GateDecision> {
  const decision = await engine.cache.gate.reserve(channelId, limit);
  if (decision.kind !== "unknown" || !engine.cache.metrics().available) return decision;
  let seeding = engine.gateSeeds.get(channelId);
  if (!seeding) {
    seeding = seedGate(engine, channelId).finally(() => engine.gateSeeds.delete(channelId));
    engine.gateSeeds.set(channelId, seeding);
  }
  await seeding;
  return engine.cache.gate.reserve(channelId, limit);
}

/** Rebuilds the channel's counter from Postgres under the channel lock (best effort). */
async function seedGate(engine: Engine, channelId: string): Promise<void> {
  try {
    await rebuildGateCounter(engine.database, engine.cache.gate, channelId);
  } catch (error) {
    engine.log.warn({ err: error, channelId }, "could not seed the queue gate");
  }
}
