-- A label list reads one guild's tasks with the label, not every guild's: the GIN key is "guild_id:label"
-- (guild ids are digits, so the prefix is unambiguous). A function, not btree_gin: no extension needed,
-- in Postgres or PGlite. It replaces the labels-only GIN index, which no query needs any more.
CREATE OR REPLACE FUNCTION tasklane_guild_labels(guild_id text, labels text[]) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT array(SELECT guild_id || ':' || label FROM unnest(labels) AS label) $$;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "tasks_guild_labels_idx" ON "tasks" USING gin (tasklane_guild_labels("guild_id", "labels"));--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_labels_idx";
