import { sql } from "drizzle-orm";
import type { Db } from "../../../src/store/database.ts";

/**
 * Bulk test data straight into the tables (the services would take minutes for this much): `guilds`
 * guilds × `perGuild` tasks over 5 channels each, statuses, priorities and labels spread, an event
 * per task, a dependency for every other task, a review per done task, some subtasks, a due date
 * (some past) on every fourth task. Guild and channel ids are derived from `prefix`.
 */
export async function seedTasks(db: Db, prefix: string, guilds: number, perGuild: number): Promise<void> {
  await db.execute(sql`
    INSERT INTO tasks (guild_id, channel_id, number, title, description, status, priority, labels,
      assignee_id, created_by, estimate_minutes, started_at, completed_at, due_at, created_at, updated_at)
    SELECT ${prefix} || lpad(g::text, 6, '0'),
      ${prefix} || lpad(g::text, 3, '0') || lpad((n % 5)::text, 3, '0'),
      n,
      (ARRAY['Fix','Write','Review','Ship','Plan'])[1 + n % 5] || ' ' ||
        (ARRAY['login','docs','billing','search','onboarding','metrics'])[1 + n % 6] || ' ' || n,
      'Generated task number ' || n,
      (ARRAY['open','open','in_progress','in_review','blocked','done','done','done','cancelled','failed'])[1 + n % 10],
      (ARRAY['low','medium','high','critical'])[1 + n % 4],
      ARRAY[(ARRAY['bug','docs','api','ui'])[1 + n % 4]],
      CASE WHEN n % 3 = 0 THEN NULL ELSE '9000000000000' || lpad((n % 7)::text, 5, '0') END,
      '9100000000000' || lpad((n % 11)::text, 5, '0'),
      CASE WHEN n % 2 = 0 THEN 60 + n % 240 END,
      now() - interval '3 days',
      CASE WHEN n % 10 IN (5, 6, 7) THEN now() - interval '1 day' END,
      CASE WHEN n % 4 = 1 THEN now() + (((n % 40) - 10) || ' hours')::interval END,
      now() - (n || ' minutes')::interval, now()
    FROM generate_series(1, ${guilds}) g, generate_series(1, ${perGuild}) n`);
  await db.execute(sql`
    INSERT INTO guild_counters (guild_id, last_number)
    SELECT ${prefix} || lpad(g::text, 6, '0'), ${perGuild} FROM generate_series(1, ${guilds}) g`);
  await db.execute(sql`
    INSERT INTO task_events (task_id, guild_id, actor_id, kind, to_status, source)
    SELECT id, guild_id, created_by, 'created', 'open', 'slash' FROM tasks WHERE guild_id LIKE ${`${prefix}%`}`);
  await db.execute(sql`
    INSERT INTO task_dependencies (task_id, depends_on_id)
    SELECT t.id, d.id FROM tasks t JOIN tasks d ON d.guild_id = t.guild_id AND d.number = t.number - 1
    WHERE t.guild_id LIKE ${`${prefix}%`} AND t.number % 2 = 0`);
  await db.execute(sql`
    UPDATE tasks t SET parent_id = p.id FROM tasks p
    WHERE p.guild_id = t.guild_id AND p.number = t.number - 2 AND t.number % 40 = 0 AND t.guild_id LIKE ${`${prefix}%`}`);
  await db.execute(sql`
    INSERT INTO task_reviews (task_id, reviewer_id, verdict, comment)
    SELECT id, '920000000000000009', 'approved', 'fine' FROM tasks WHERE guild_id LIKE ${`${prefix}%`} AND status = 'done'`);
  await db.execute(sql`ANALYZE`);
}
