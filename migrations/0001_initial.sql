CREATE TABLE "agents" (
	"guild_id" text NOT NULL,
	"user_id" text NOT NULL,
	"labels" text[] DEFAULT '{}'::text[] NOT NULL,
	"max_concurrent" integer DEFAULT 1 NOT NULL,
	"added_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agents_guild_id_user_id_pk" PRIMARY KEY("guild_id","user_id"),
	CONSTRAINT "agents_max_concurrent_check" CHECK (max_concurrent BETWEEN 1 AND 100)
);
--> statement-breakpoint
CREATE TABLE "channel_settings" (
	"channel_id" text PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"queue_limit" integer,
	"reviewer_role_id" text,
	"require_review" boolean DEFAULT true NOT NULL,
	"allow_self_review" boolean DEFAULT false NOT NULL,
	"max_attempts" integer DEFAULT 3 NOT NULL,
	"lease_minutes" integer DEFAULT 30 NOT NULL,
	"auto_assign" text DEFAULT 'off' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_settings_queue_limit_check" CHECK (queue_limit IS NULL OR queue_limit BETWEEN 1 AND 10000),
	CONSTRAINT "channel_settings_max_attempts_check" CHECK (max_attempts BETWEEN 1 AND 20),
	CONSTRAINT "channel_settings_lease_minutes_check" CHECK (lease_minutes BETWEEN 1 AND 10080),
	CONSTRAINT "channel_settings_auto_assign_check" CHECK (auto_assign IN ('off', 'least_loaded'))
);
--> statement-breakpoint
CREATE TABLE "guild_counters" (
	"guild_id" text PRIMARY KEY NOT NULL,
	"last_number" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"guild_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"task_id" integer,
	"kind" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"coalesce_key" text,
	"nonce" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"discord_message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "outbox_state_check" CHECK (state IN ('pending', 'sent', 'dead'))
);
--> statement-breakpoint
CREATE TABLE "task_dependencies" (
	"task_id" integer NOT NULL,
	"depends_on_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_dependencies_task_id_depends_on_id_pk" PRIMARY KEY("task_id","depends_on_id"),
	CONSTRAINT "task_dependencies_not_self_check" CHECK (task_id <> depends_on_id)
);
--> statement-breakpoint
CREATE TABLE "task_events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "task_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"task_id" integer NOT NULL,
	"guild_id" text NOT NULL,
	"actor_id" text NOT NULL,
	"kind" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_events_source_check" CHECK (source IN ('slash', 'button', 'modal', 'mention', 'context_menu', 'system'))
);
--> statement-breakpoint
CREATE TABLE "task_messages" (
	"task_id" integer PRIMARY KEY NOT NULL,
	"channel_id" text NOT NULL,
	"message_id" text NOT NULL,
	"rendered_version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_reviews" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "task_reviews_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"task_id" integer NOT NULL,
	"reviewer_id" text NOT NULL,
	"verdict" text NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_reviews_verdict_check" CHECK (verdict IN ('approved', 'changes_requested')),
	CONSTRAINT "task_reviews_comment_length_check" CHECK (comment IS NULL OR char_length(comment) <= 4000)
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tasks_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"guild_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"number" integer NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"priority" text DEFAULT 'medium' NOT NULL,
	"priority_rank" smallint GENERATED ALWAYS AS (CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END) STORED NOT NULL,
	"labels" text[] DEFAULT '{}'::text[] NOT NULL,
	"assignee_id" text,
	"created_by" text NOT NULL,
	"parent_id" integer,
	"estimate_minutes" integer,
	"due_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"lease_expires_at" timestamp with time zone,
	"rework_count" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, title), 'A') || setweight(to_tsvector('english'::regconfig, description), 'B') || setweight(to_tsvector('simple'::regconfig, tasklane_labels_text(labels)), 'C')) STORED,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tasks_status_check" CHECK (status IN ('open', 'in_progress', 'in_review', 'blocked', 'done', 'cancelled', 'failed')),
	CONSTRAINT "tasks_priority_check" CHECK (priority IN ('low', 'medium', 'high', 'critical')),
	CONSTRAINT "tasks_title_length_check" CHECK (char_length(title) BETWEEN 1 AND 200),
	CONSTRAINT "tasks_description_length_check" CHECK (char_length(description) <= 4000),
	CONSTRAINT "tasks_labels_count_check" CHECK (cardinality(labels) <= 10),
	CONSTRAINT "tasks_number_positive_check" CHECK (number > 0),
	CONSTRAINT "tasks_estimate_positive_check" CHECK (estimate_minutes IS NULL OR estimate_minutes > 0),
	CONSTRAINT "tasks_parent_not_self_check" CHECK (parent_id IS NULL OR parent_id <> id)
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_dependencies" ADD CONSTRAINT "task_dependencies_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_dependencies" ADD CONSTRAINT "task_dependencies_depends_on_id_tasks_id_fk" FOREIGN KEY ("depends_on_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_messages" ADD CONSTRAINT "task_messages_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_reviews" ADD CONSTRAINT "task_reviews_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_parent_id_tasks_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."tasks"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "channel_settings_guild_idx" ON "channel_settings" USING btree ("guild_id");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("next_attempt_at","id") WHERE state = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_coalesce_idx" ON "outbox" USING btree ("coalesce_key") WHERE state = 'pending' AND coalesce_key IS NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_task_idx" ON "outbox" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "task_dependencies_depends_on_idx" ON "task_dependencies" USING btree ("depends_on_id");--> statement-breakpoint
CREATE INDEX "task_events_task_idx" ON "task_events" USING btree ("task_id","id");--> statement-breakpoint
CREATE INDEX "task_reviews_task_idx" ON "task_reviews" USING btree ("task_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_guild_number_key" ON "tasks" USING btree ("guild_id","number");--> statement-breakpoint
CREATE INDEX "tasks_queue_idx" ON "tasks" USING btree ("channel_id","priority_rank","created_at","id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "tasks_live_by_channel_idx" ON "tasks" USING btree ("channel_id") WHERE status IN ('open', 'in_progress', 'in_review', 'blocked');--> statement-breakpoint
CREATE INDEX "tasks_guild_status_number_idx" ON "tasks" USING btree ("guild_id","status","number");--> statement-breakpoint
CREATE INDEX "tasks_channel_status_number_idx" ON "tasks" USING btree ("channel_id","status","number");--> statement-breakpoint
CREATE INDEX "tasks_assignee_idx" ON "tasks" USING btree ("guild_id","assignee_id","status");--> statement-breakpoint
CREATE INDEX "tasks_parent_idx" ON "tasks" USING btree ("parent_id") WHERE parent_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tasks_lease_idx" ON "tasks" USING btree ("lease_expires_at") WHERE status = 'in_progress' AND lease_expires_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tasks_labels_idx" ON "tasks" USING gin ("labels");--> statement-breakpoint
CREATE INDEX "tasks_search_idx" ON "tasks" USING gin ("search_vector");