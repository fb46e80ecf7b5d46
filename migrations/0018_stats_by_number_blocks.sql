-- Issue 14: a channel's stats are cached as parts of blocks of task numbers (store/stats.ts), so after
-- a change only the changed task's block of its channel is counted again, not the whole channel. The
-- covering stats index (migration 0003) gains number as its last key column: a block is a range of
-- it, read as an index-only scan. Its other uses (a channel's or a guild's tasks, the skip scan over
-- a guild's channels) only need its (guild_id, channel_id) prefix, which it keeps.
CREATE INDEX IF NOT EXISTS "tasks_stats_number_idx" ON "tasks" USING btree ("guild_id", "channel_id", "number")
  INCLUDE ("status", "priority", "assignee_id", "labels", "estimate_minutes", "started_at", "completed_at");
--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_stats_idx";
