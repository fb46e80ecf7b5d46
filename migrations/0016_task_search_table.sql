-- Issue 14: a claim, a submit or any other change of status is never a HOT update, so every index of
-- tasks takes a new entry. The search GIN index took the costliest: its expression
-- (tasklane_search_keys, a SQL function Postgres cannot inline, as text || integer is only stable) ran
-- as a function call per row, and each entry went through the GIN pending list. The search vector and
-- its index now live in task_search, one row per task with what a search filters on (guild, number,
-- channel), written by triggers on tasks in the writing statement only when the task's words, number
-- or channel change (or it is created or deleted), whoever writes. The vector is the one the generated
-- column held (migration 0002): title A, description B, labels C, english.
CREATE TABLE IF NOT EXISTS "task_search" (
	"task_id" integer PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"number" integer NOT NULL,
	"channel_id" text NOT NULL,
	"search_vector" tsvector NOT NULL
);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tasklane_task_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM task_search WHERE task_id = OLD.id;
  ELSIF TG_OP = 'UPDATE' AND OLD.title = NEW.title AND OLD.description = NEW.description AND OLD.labels = NEW.labels THEN
    UPDATE task_search SET guild_id = NEW.guild_id, number = NEW.number, channel_id = NEW.channel_id
      WHERE task_id = NEW.id;
  ELSE
    INSERT INTO task_search (task_id, guild_id, number, channel_id, search_vector)
      VALUES (NEW.id, NEW.guild_id, NEW.number, NEW.channel_id,
        setweight(to_tsvector('english'::regconfig, NEW.title), 'A')
          || setweight(to_tsvector('english'::regconfig, NEW.description), 'B')
          || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(NEW.labels, ' '), '')), 'C'))
      ON CONFLICT (task_id) DO UPDATE SET guild_id = EXCLUDED.guild_id, number = EXCLUDED.number,
        channel_id = EXCLUDED.channel_id, search_vector = EXCLUDED.search_vector;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tasklane_task_search_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE task_search;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE TRIGGER "tasks_search_insert" AFTER INSERT ON "tasks" FOR EACH ROW
  EXECUTE FUNCTION tasklane_task_search_sync();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER "tasks_search_update" AFTER UPDATE OF title, description, labels, guild_id, number, channel_id ON "tasks" FOR EACH ROW
  WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.description IS DISTINCT FROM NEW.description
    OR OLD.labels IS DISTINCT FROM NEW.labels OR OLD.guild_id IS DISTINCT FROM NEW.guild_id
    OR OLD.number IS DISTINCT FROM NEW.number OR OLD.channel_id IS DISTINCT FROM NEW.channel_id)
  EXECUTE FUNCTION tasklane_task_search_sync();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER "tasks_search_delete" AFTER DELETE ON "tasks" FOR EACH ROW
  EXECUTE FUNCTION tasklane_task_search_sync();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER "tasks_search_truncate" AFTER TRUNCATE ON "tasks" FOR EACH STATEMENT
  EXECUTE FUNCTION tasklane_task_search_truncate();
--> statement-breakpoint
INSERT INTO task_search (task_id, guild_id, number, channel_id, search_vector)
  SELECT id, guild_id, number, channel_id, search_vector FROM tasks
  ON CONFLICT (task_id) DO NOTHING;
--> statement-breakpoint
-- The same expression as tasks_search_keys_idx had (migration 0013): the words and the block keys.
CREATE INDEX IF NOT EXISTS "task_search_keys_idx" ON "task_search" USING gin (tasklane_search_keys("guild_id", "number", "search_vector"));
--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_search_keys_idx";
--> statement-breakpoint
ALTER TABLE "tasks" DROP COLUMN IF EXISTS "search_vector";
