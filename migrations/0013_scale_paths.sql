-- Issue 14, part 4: ordered access paths for the lists, search and stats of a million-task server.
-- No extension (no btree_gin, no pg_trgm): plain tables, btree/GIN indexes and plpgsql triggers,
-- the same in Postgres and PGlite.
--
-- 1. The label list. A GIN index finds a label's tasks but not in list order, so a list sorted every
-- match. task_labels holds one row per (task, label) keyed in list order (guild, label, number), with
-- the status and channel the list filters on. Triggers on tasks keep it in step in the writing
-- statement itself, whoever writes (create, edit, import, transitions, delete), and fire only when a
-- labelled task's labels, status or channel change.
CREATE TABLE IF NOT EXISTS "task_labels" (
	"guild_id" text NOT NULL,
	"label" text NOT NULL,
	"number" integer NOT NULL,
	"task_id" integer NOT NULL,
	"channel_id" text NOT NULL,
	"status" text NOT NULL,
	CONSTRAINT "task_labels_pkey" PRIMARY KEY ("guild_id", "label", "number") INCLUDE ("status", "channel_id", "task_id")
);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tasklane_task_labels_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.labels = NEW.labels AND OLD.guild_id = NEW.guild_id AND OLD.number = NEW.number THEN
    UPDATE task_labels SET status = NEW.status, channel_id = NEW.channel_id
      WHERE guild_id = NEW.guild_id AND number = NEW.number AND label = ANY (NEW.labels);
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM task_labels WHERE guild_id = OLD.guild_id AND number = OLD.number AND label = ANY (OLD.labels);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO task_labels (guild_id, label, number, task_id, channel_id, status)
      SELECT DISTINCT NEW.guild_id, label, NEW.number, NEW.id, NEW.channel_id, NEW.status FROM unnest(NEW.labels) AS label
      ON CONFLICT (guild_id, label, number) DO UPDATE
        SET task_id = EXCLUDED.task_id, channel_id = EXCLUDED.channel_id, status = EXCLUDED.status;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tasklane_task_labels_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE task_labels;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE TRIGGER "tasks_labels_insert" AFTER INSERT ON "tasks" FOR EACH ROW
  WHEN (cardinality(NEW.labels) > 0) EXECUTE FUNCTION tasklane_task_labels_sync();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER "tasks_labels_update" AFTER UPDATE OF labels, status, channel_id, guild_id, number ON "tasks" FOR EACH ROW
  WHEN ((cardinality(OLD.labels) > 0 OR cardinality(NEW.labels) > 0)
    AND (OLD.labels IS DISTINCT FROM NEW.labels OR OLD.status IS DISTINCT FROM NEW.status
      OR OLD.channel_id IS DISTINCT FROM NEW.channel_id OR OLD.guild_id IS DISTINCT FROM NEW.guild_id
      OR OLD.number IS DISTINCT FROM NEW.number))
  EXECUTE FUNCTION tasklane_task_labels_sync();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER "tasks_labels_delete" AFTER DELETE ON "tasks" FOR EACH ROW
  WHEN (cardinality(OLD.labels) > 0) EXECUTE FUNCTION tasklane_task_labels_sync();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER "tasks_labels_truncate" AFTER TRUNCATE ON "tasks" FOR EACH STATEMENT
  EXECUTE FUNCTION tasklane_task_labels_truncate();
--> statement-breakpoint
INSERT INTO task_labels (guild_id, label, number, task_id, channel_id, status)
  SELECT DISTINCT t.guild_id, label, t.number, t.id, t.channel_id, t.status
  FROM tasks t CROSS JOIN LATERAL unnest(t.labels) AS label
  ON CONFLICT (guild_id, label, number) DO NOTHING;
--> statement-breakpoint
-- task_labels replaces the guild-label GIN index (migration 0011).
DROP INDEX IF EXISTS "tasks_guild_labels_idx";
--> statement-breakpoint
-- 2. Overdue counts (stats): live tasks due before now, in a guild (and its visible channels), as an
-- index-only count. tasks_guild_due_idx covers every status, so an overdue count read each candidate's
-- row to learn its status. drizzle's index builder has no INCLUDE, hence SQL.
CREATE INDEX IF NOT EXISTS "tasks_live_due_idx" ON "tasks" USING btree ("guild_id", "due_at") INCLUDE ("channel_id")
  WHERE due_at IS NOT NULL AND status IN ('open', 'in_progress', 'in_review', 'blocked');
--> statement-breakpoint
-- 3. The review queue (/tasks reviews): a guild's tasks in review, oldest submission first, walked in
-- that order instead of sorting every task in review.
CREATE INDEX IF NOT EXISTS "tasks_review_queue_idx" ON "tasks" USING btree ("guild_id", "submitted_at" NULLS FIRST, "id")
  WHERE status = 'in_review';
--> statement-breakpoint
-- 4. Search. A search ranks the newest matches; finding them through a GIN index over every guild and
-- every year decoded each word's whole posting list and read every match's row. The search index now
-- also holds, per task, a key for its guild's block of numbers at four sizes (256, 2,048, 16,384 and
-- 131,072 numbers), so a search asks for "the words AND these few blocks", newest first, and widens
-- only while it has too few matches (src/store/search.ts spells the keys the same way). The keys are
-- extra lexemes of the indexed expression; queries still check search_vector itself, so text that
-- happens to look like a key changes nothing. Index maintenance runs with a safe search_path
-- (Postgres 17, so PGlite): the indexed function calls built-ins only.
CREATE OR REPLACE FUNCTION tasklane_search_keys(guild_id text, number integer, search_vector tsvector) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT search_vector || array_to_tsvector(ARRAY[
    'tasklane.' || guild_id || '.0.' || (number / 256),
    'tasklane.' || guild_id || '.1.' || (number / 2048),
    'tasklane.' || guild_id || '.2.' || (number / 16384),
    'tasklane.' || guild_id || '.3.' || (number / 131072)]) $$;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "tasks_search_keys_idx" ON "tasks" USING gin (tasklane_search_keys("guild_id", "number", "search_vector"));
--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_search_idx";
