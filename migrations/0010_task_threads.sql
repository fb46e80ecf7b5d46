CREATE TABLE "task_threads" (
	"task_id" integer PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"thread_id" text,
	"state" text DEFAULT 'wanted' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_threads_state_check" CHECK (state IN ('wanted', 'open', 'gone')),
	CONSTRAINT "task_threads_open_has_id_check" CHECK (state <> 'open' OR thread_id IS NOT NULL)
);
--> statement-breakpoint
ALTER TABLE "task_threads" ADD CONSTRAINT "task_threads_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "task_threads_thread_key" ON "task_threads" USING btree ("thread_id") WHERE thread_id IS NOT NULL;
--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "threads" boolean DEFAULT false NOT NULL;
