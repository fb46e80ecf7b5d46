CREATE TABLE "task_attempts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "task_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"task_id" integer NOT NULL,
	"attempt" integer NOT NULL,
	"assignee_id" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"outcome" text,
	"summary" text,
	"result" jsonb,
	"error" text,
	CONSTRAINT "task_attempts_outcome_check" CHECK (outcome IS NULL OR outcome IN ('submitted', 'failed', 'expired', 'released')),
	CONSTRAINT "task_attempts_attempt_positive_check" CHECK (attempt > 0),
	CONSTRAINT "task_attempts_summary_length_check" CHECK (summary IS NULL OR char_length(summary) <= 4000),
	CONSTRAINT "task_attempts_error_length_check" CHECK (error IS NULL OR char_length(error) <= 4000)
);
--> statement-breakpoint
ALTER TABLE "task_attempts" ADD CONSTRAINT "task_attempts_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "task_attempts_task_attempt_key" ON "task_attempts" USING btree ("task_id","attempt");
--> statement-breakpoint
CREATE INDEX "task_attempts_open_idx" ON "task_attempts" USING btree ("task_id") WHERE ended_at IS NULL;
--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "notify_reviewers" text DEFAULT 'mention' NOT NULL;
--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "notify_creator" text DEFAULT 'mention' NOT NULL;
--> statement-breakpoint
ALTER TABLE "channel_settings" ADD CONSTRAINT "channel_settings_notify_reviewers_check" CHECK (notify_reviewers IN ('ping', 'mention', 'off'));
--> statement-breakpoint
ALTER TABLE "channel_settings" ADD CONSTRAINT "channel_settings_notify_creator_check" CHECK (notify_creator IN ('ping', 'mention', 'off'));
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "paused" boolean DEFAULT false NOT NULL;
