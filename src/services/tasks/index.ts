import type { ServiceDeps, TaskService } from "../contracts.ts";
import { withDatabaseFaults } from "../database-faults.ts";
import { createEngine } from "../engine.ts";
import { answerQuestion, askQuestion, checkAnswer } from "./ask-and-answer.ts";
import { checkTransition } from "./check-transition.ts";
import { commentTask, reportProgress } from "./comment-task.ts";
import { createTask } from "./create-task.ts";
import { addDependency, removeDependency } from "./dependencies.ts";
import { editTask } from "./edit-task.ts";
import { getTask, taskDetails } from "./get-task.ts";
import { listTasks, searchTaskViews } from "./list-tasks.ts";
import { nextTask } from "./next-task.ts";
import { reviewQueue } from "./review-queue.ts";
import { attemptsOf, reviewsOf, taskHistory } from "./task-history.ts";
import { taskQueue } from "./task-queue.ts";
import { suggestionsFor, taskStats } from "./task-stats.ts";
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
    checkAnswer: (ctx, number, expectedVersion) => checkAnswer(engine, ctx, number, expectedVersion),
    addDependency: (ctx, number, onNumber) => addDependency(engine, ctx, number, onNumber),
    removeDependency: (ctx, number, onNumber) => removeDependency(engine, ctx, number, onNumber),
    get: (ctx, number) => getTask(engine, ctx, number),
    list: (ctx, filters, page) => listTasks(engine, ctx, filters, page),
    search: (ctx, query, page) => searchTaskViews(engine, ctx, query, page),
    history: (ctx, number, page) => taskHistory(engine, ctx, number, page),
    reviews: (ctx, number) => reviewsOf(engine, ctx, number),
    attempts: (ctx, number) => attemptsOf(engine, ctx, number),
    details: (ctx, number) => taskDetails(engine, ctx, number),
    queue: (ctx, channelId, page) => taskQueue(engine, ctx, channelId, page),
    suggest: (ctx, query, limit) => suggestionsFor(engine, ctx, query, limit),
    stats: (ctx, channelId) => taskStats(engine, ctx, channelId),
    reviewQueue: (ctx) => reviewQueue(engine, ctx),
  });
}
