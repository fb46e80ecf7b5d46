-- Task Master imports (npm run import, /tasks import) record their audit events with source 'import'.
ALTER TABLE "task_events" DROP CONSTRAINT "task_events_source_check";--> statement-breakpoint
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_source_check" CHECK (source IN ('slash', 'button', 'modal', 'mention', 'context_menu', 'system', 'import'));
