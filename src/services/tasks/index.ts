import { withDatabaseFaults } from "../database-faults.ts";
import { createEngine } from "../engine.ts";
import type { ServiceDeps, TaskService } from "../types.ts";
import { answerQuestion, askQuestion } from "./ask-and-answer.ts";
import { checkTransition } from "./check-transition.ts";
import { commentTask, reportProgress } from "./comment-task.ts";
import { createTask } from "./create-task.ts";
import { addDependency, removeDependency } from "./dependencies.ts";
import { editTask } from "./edit-task.ts";
import { getTask } from "./get-task.ts";
import { listTasks, searchTaskViews } from "./list-tasks.ts";
import { nextTask } from "./next-task.ts";
import { reviewQueue } from "./review-queue.ts";
import { taskAttempts, taskHistory, taskReviews } from "./task-history.ts";
import { taskQueue } from "./task-queue.ts";
import { suggest, taskStats } from "./task-stats.ts";
import { transitionTask } from "./transition-task.ts";

/** The task engine (the state table: docs/architecture.md): every mutating call is one transaction. */
export function createTaskService(deps: ServiceDeps): TaskService {
  const engine = createEngine(deps);
  return withDatabaseFaults({
    create: (ctx, input) => createTask(engine, ctx, input),
    edit: (ctx, number, patch, expectedVersion) => editTask(engine, ctx, number, patch, expectedVersion),
    transition: (ctx, input) => transitionTask(engine, ctx, input),
    checkTransition: (ctx, input) => checkTransition(engine, ctx, input),
    next: (ctx, options) => nextTask(engine, ctx, options),
    comment: (ctx, number, text) => commentTask(engine, ctx, number, text),
    progress: (ctx, number, note) => reportProgress(engine, ctx, number, note),
    ask: (ctx, number, question) => askQuestion(engine, ctx, number, question),
    answer: (ctx, number, text) => answerQuestion(engine, ctx, number, text),
    addDependency: (ctx, number, onNumber) => addDependency(engine, ctx, number, onNumber),
    removeDependency: (ctx, number, onNumber) => removeDependency(engine, ctx, number, onNumber),
    get: (guildId, number) => getTask(engine, guildId, number),
    list: (guildId, filters, page) => listTasks(engine, guildId, filters, page),
    search: (guildId, query, page) => searchTaskViews(engine, guildId, query, page),
    history: (guildId, number, page) => taskHistory(engine, guildId, number, page),
    reviews: (guildId, number) => taskReviews(engine, guildId, number),
    attempts: (guildId, number) => taskAttempts(engine, guildId, number),
    queue: (guildId, channelId, page) => taskQueue(engine, guildId, channelId, page),
    suggest: (guildId, query, limit) => suggest(engine, guildId, query, limit),
    stats: (guildId, channelId) => taskStats(engine, guildId, channelId),
    reviewQueue: (ctx) => reviewQueue(engine, ctx),
  });
}
