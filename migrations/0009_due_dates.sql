ALTER TABLE "tasks" ADD COLUMN "recurrence" text;
--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_recurrence_check" CHECK (recurrence IS NULL OR recurrence IN ('daily', 'weekdays', 'weekly', 'monthly'));
--> statement-breakpoint
CREATE INDEX "tasks_guild_due_idx" ON "tasks" USING btree ("guild_id","due_at","number") WHERE due_at IS NOT NULL;
--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "remind_before_minutes" integer[] DEFAULT '{1440}'::integer[] NOT NULL;
--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "remind_overdue" boolean DEFAULT true NOT NULL;
--> statement-breakpoint
ALTER TABLE "channel_settings" ADD CONSTRAINT "channel_settings_remind_before_check" CHECK (cardinality(remind_before_minutes) <= 5);
--> statement-breakpoint
CREATE TABLE "guild_settings" (
	"guild_id" text PRIMARY KEY NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_reminders" (
	"task_id" integer NOT NULL,
	"offset_minutes" integer NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"remind_at" timestamp with time zone NOT NULL,
	"notify" boolean NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "task_reminders_task_id_offset_minutes_pk" PRIMARY KEY("task_id","offset_minutes")
);
--> statement-breakpoint
ALTER TABLE "task_reminders" ADD CONSTRAINT "task_reminders_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "task_reminders_pending_idx" ON "task_reminders" USING btree ("remind_at") WHERE sent_at IS NULL;
--> statement-breakpoint
INSERT INTO "task_reminders" ("task_id", "offset_minutes", "due_at", "remind_at", "notify")
SELECT id, 0, due_at, due_at, due_at > now() FROM "tasks"
WHERE due_at IS NOT NULL AND status IN ('open', 'in_progress', 'in_review', 'blocked');
