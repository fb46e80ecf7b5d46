ALTER TABLE "task_attempts" ADD COLUMN "questions" jsonb DEFAULT '[]'::jsonb NOT NULL;
