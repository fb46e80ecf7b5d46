-- Issue 14: fewer index entries per claim. A claim changes a task's status (open -> in progress), so
-- it is never a HOT update and writes a new entry into every index of tasks whose predicate the new
-- row meets. tasks_live_by_channel_idx (channel_id WHERE live) took one on every claim, and every
-- query it served (a channel's live tasks: the create limit) is answered by
-- tasks_channel_status_number_idx (channel_id, status, number), status = ANY of the live ones.
DROP INDEX IF EXISTS "tasks_live_by_channel_idx";
--> statement-breakpoint
-- An attempt's row is written by the claim and ended by the submit (or a release). The partial
-- task_attempts_open_idx (task_id WHERE ended_at IS NULL) made the ending a non-HOT update (its
-- predicate column changes), so each attempt took five index entries. Every lookup of an open attempt
-- names its task, and task_attempts_task_attempt_key (task_id, attempt) finds a task's few attempts;
-- without the partial index and with room left on each page, ending an attempt is a HOT update.
DROP INDEX IF EXISTS "task_attempts_open_idx";
--> statement-breakpoint
ALTER TABLE "task_attempts" SET (fillfactor = 70);
