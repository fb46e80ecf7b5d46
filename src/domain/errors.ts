/**
 * Errors a user caused. Their message is a sentence shown to that user as it is; anything that
 * is not a UserError is unexpected, logged with a reference id, and answered with an apology.
 */
export class UserError extends Error {
  override name = "UserError";
  readonly code: string = "user_error";
  /**
   * Without a stack trace: a refusal is an answer, not a fault, and nothing reads where it was thrown
   * (capturing the frames showed in the click profiles). Unexpected errors keep theirs.
   */
  constructor(message?: string, options?: ErrorOptions) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message, options);
    Error.stackTraceLimit = limit;
  }
}

/** Bad input: names the field and the rule. Nothing was changed. */
export class ValidationError extends UserError {
  override name = "ValidationError";
  override readonly code = "validation";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends UserError {
  override name = "NotFoundError";
  override readonly code = "not_found";
}

/** The actor may not do this (role, ownership, guild). */
export class ForbiddenError extends UserError {
  override name = "ForbiddenError";
  override readonly code = "forbidden";
}

/** The action is not allowed from the task's current state. */
export class InvalidTransitionError extends UserError {
  override name = "InvalidTransitionError";
  override readonly code = "invalid_transition";
}

/** Someone else changed the task first (stale version); the message says what happened. */
export class ConflictError extends UserError {
  override name = "ConflictError";
  override readonly code = "conflict";
  constructor(
    message: string,
    readonly currentVersion?: number,
  ) {
    super(message);
  }
}

export class QueueLimitError extends UserError {
  override name = "QueueLimitError";
  override readonly code = "queue_limit";
  constructor(
    readonly count: number,
    readonly limit: number,
  ) {
    super(`This channel's queue is full: ${count} live tasks, limit ${limit}. Finish or cancel one first.`);
  }
}

export class RateLimitedError extends UserError {
  override name = "RateLimitedError";
  override readonly code = "rate_limited";
  constructor(readonly retryAfterMs: number) {
    super(`Slow down: try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`);
  }
}

/** An agent asked for more work than its max concurrent tasks allow. */
export class AgentAtCapacityError extends UserError {
  override name = "AgentAtCapacityError";
  override readonly code = "agent_at_capacity";
  constructor(
    readonly inProgress: number,
    readonly maxConcurrent: number,
  ) {
    super(
      `You already have ${inProgress} task${inProgress === 1 ? "" : "s"} in progress, your limit is ${maxConcurrent}. Submit or release one first.`,
    );
  }
}

/** A task was assigned to an agent already holding as many tasks as it may (src/domain/agent-capacity.ts). */
export class AgentFullError extends UserError {
  override name = "AgentFullError";
  override readonly code = "agent_full";
  constructor(
    readonly agentId: string,
    readonly load: number,
    readonly maxConcurrent: number,
  ) {
    super(
      `<@${agentId}> already has ${load} open or in-progress task${load === 1 ? "" : "s"}, its limit is ${maxConcurrent}: ` +
        "finish, release or unassign one of them first, or raise its limit with `/tasklane agent add max-concurrent:`. Nothing was changed.",
    );
  }
}

/** Postgres could not take the lock in time (lock_timeout) even on a second try. Nothing was changed. */
export class BusyError extends UserError {
  override name = "BusyError";
  override readonly code = "busy";
  constructor() {
    super("That is busy right now (someone else is changing it); try again in a moment.");
  }
}

/**
 * The database connection went away mid-request (restart, failover). The transaction did not commit,
 * or, for a lost commit acknowledgement, retrying is safe: creates carry their interaction's id.
 */
export class UnavailableError extends UserError {
  override name = "UnavailableError";
  override readonly code = "unavailable";
  constructor() {
    super("Tasklane lost its database connection for a moment; try again in a few seconds.");
  }
}
