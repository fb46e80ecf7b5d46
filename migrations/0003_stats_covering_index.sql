-- Stats (counts by status and priority, label progress, workload, estimate accuracy) aggregate a whole
-- guild or channel. This narrow covering index lets them run as index-only scans instead of reading
-- the wide rows (title, description, search vector). drizzle's index builder has no INCLUDE, hence SQL.
CREATE INDEX IF NOT EXISTS "tasks_stats_idx" ON "tasks" USING btree ("guild_id", "channel_id")
  INCLUDE ("status", "priority", "assignee_id", "labels", "estimate_minutes", "started_at", "completed_at");
