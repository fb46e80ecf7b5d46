CREATE TABLE "handled_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"handled_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "create_key" text;--> statement-breakpoint
CREATE INDEX "handled_events_handled_at_idx" ON "handled_events" USING btree ("handled_at");--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "outbox" USING btree ("sent_at") WHERE state = 'sent';--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_create_key_key" ON "tasks" USING btree ("create_key") WHERE create_key IS NOT NULL;