-- Issue 14: every row written into task_events, task_attempts or outbox ran its foreign key's check, a
-- SELECT ... FOR KEY SHARE on the task (about 16% of a claim's backend time: a claim writes two events,
-- an attempt and a card row, a submit an event and one or two outbox rows). Every such row is written
-- by a statement that has just read or updated its task, and tasks are never deleted by the bot. What
-- the foreign keys gave beyond that is the cascade: a deleted task takes its events, attempts and
-- outbox rows along. The delete trigger below does it. It first waits for every transaction writing
-- into those tables (SHARE ROW EXCLUSIVE against their ROW EXCLUSIVE) and keeps new writers out until
-- it commits, so a child row written concurrently with the delete is deleted too, not left behind
-- (the foreign key's KEY SHARE lock gave the same). A TRUNCATE of tasks empties them too.
ALTER TABLE "task_events" DROP CONSTRAINT IF EXISTS "task_events_task_id_tasks_id_fk";
--> statement-breakpoint
ALTER TABLE "task_attempts" DROP CONSTRAINT IF EXISTS "task_attempts_task_id_tasks_id_fk";
--> statement-breakpoint
ALTER TABLE "outbox" DROP CONSTRAINT IF EXISTS "outbox_task_id_tasks_id_fk";
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tasklane_task_children_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE task_events, task_attempts, outbox IN SHARE ROW EXCLUSIVE MODE;
  DELETE FROM task_events WHERE task_id IN (SELECT id FROM deleted_tasks);
  DELETE FROM task_attempts WHERE task_id IN (SELECT id FROM deleted_tasks);
  DELETE FROM outbox WHERE task_id IN (SELECT id FROM deleted_tasks);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tasklane_task_children_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE task_events, task_attempts;
  DELETE FROM outbox WHERE task_id IS NOT NULL;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE TRIGGER "tasks_children_delete" AFTER DELETE ON "tasks"
  REFERENCING OLD TABLE AS deleted_tasks FOR EACH STATEMENT
  EXECUTE FUNCTION tasklane_task_children_delete();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER "tasks_children_truncate" AFTER TRUNCATE ON "tasks" FOR EACH STATEMENT
  EXECUTE FUNCTION tasklane_task_children_truncate();
