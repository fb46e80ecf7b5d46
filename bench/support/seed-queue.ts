import pg from "pg";

/**
 * Puts `count` open tasks in one channel's queue in one statement (numbers continue the guild's
 * counter), with the channel's settings row. For claim benchmarks, whose subject is `next`, not create.
 */
export async function seedQueue(
  url: string,
  queue: { guildId: string; channelId: string; count: number; requireReview?: boolean },
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    await upsertChannelSettings(client, queue);
    const counter = await client.query<{ last_number: number }>(
      `INSERT INTO guild_counters (guild_id, last_number) VALUES ($1, $2)
       ON CONFLICT (guild_id) DO UPDATE SET last_number = guild_counters.last_number + $2
       RETURNING last_number`,
      [queue.guildId, queue.count],
    );
    const first = counter.rows[0]!.last_number - queue.count + 1;
    await client.query(
      `INSERT INTO tasks (guild_id, channel_id, number, title, priority, created_by, created_at, updated_at)
       SELECT $1, $2, $3 + i, 'queued item ' || i,
              (ARRAY['low','medium','medium','high','critical'])[1 + i % 5], '300000000000000000',
              now() - (i || ' milliseconds')::interval, now()
       FROM generate_series(0, $4 - 1) AS i`,
      [queue.guildId, queue.channelId, first, queue.count],
    );
    await client.query("COMMIT");
    await client.query("ANALYZE tasks");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

async function upsertChannelSettings(
  client: pg.Client,
  channel: { guildId: string; channelId: string; requireReview?: boolean },
): Promise<void> {
  await client.query(
    `INSERT INTO channel_settings (channel_id, guild_id, require_review) VALUES ($1, $2, $3)
     ON CONFLICT (channel_id) DO UPDATE SET require_review = EXCLUDED.require_review`,
    [channel.channelId, channel.guildId, channel.requireReview ?? true],
  );
}

/** `/tasklane config` without timing it: the channel's settings row. */
export async function configureChannel(
  url: string,
  channel: { guildId: string; channelId: string; requireReview: boolean },
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await upsertChannelSettings(client, channel);
  } finally {
    await client.end();
  }
}

/** Registers agents as `/tasklane agent add` would, without timing it. */
export async function registerAgents(
  url: string,
  guildId: string,
  userIds: string[],
  maxConcurrent: number,
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO agents (guild_id, user_id, max_concurrent, added_by)
       SELECT $1, unnest($2::text[]), $3, '300000000000000000'
       ON CONFLICT (guild_id, user_id) DO UPDATE SET max_concurrent = EXCLUDED.max_concurrent`,
      [guildId, userIds, maxConcurrent],
    );
  } finally {
    await client.end();
  }
}
