-- Issue 14: a channel's stats are cached as parts of blocks of task numbers (store/stats.ts), so after
-- a change only the changed task's block of its channel is counted again, not the whole channel. The
-- covering stats index (migration 0003) gains number as its last key column: a block is a range of
-- it, read as an index-only scan. Its other uses (a channel's or a guild's tasks, the skip scan over
-- a guild's channels) only need its (guild_id, channel_id) prefix, which it keeps. It also carries
-- due_at: a channel's overdue count (fresh on every stats read) then reads that channel's entries, not
-- every live task with a due date in the guild (tasks_live_due_idx; 21k vs 49k entries for a channel
-- of the 1M-task bench).
CREATE INDEX IF NOT EXISTS "tasks_stats_number_idx" ON "tasks" USING btree ("guild_id", "channel_id", "number")
  INCLUDE ("status", "priority", "assignee_id", "labels", "estimate_minutes", "started_at", "completed_at", "due_at");
--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_stats_idx";
