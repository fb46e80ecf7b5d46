import type { Redis } from "ioredis";

/**
 * Gate counters: only SET (seed) creates one. A value that is not a number is deleted and reported
 * as absent, so Postgres decides and the caller seeds it again. INCR/DECR keep the seed's TTL.
 * Replies: reserve -> {-1} absent | {0, count} refused | {1, count} reserved;
 * release/add -> the new count, or -1 when absent.
 */
const readCounter = `
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
local count = tonumber(raw)
if count == nil or count ~= math.floor(count) then
  redis.call('DEL', KEYS[1])
  return nil
end
return count
`;

const GATE_RESERVE = `
local function counter() ${readCounter} end
local count = counter()
if count == nil then return {-1, 0} end
local limit = tonumber(ARGV[1])
if count >= limit then return {0, count} end
return {1, redis.call('INCR', KEYS[1])}
`;

const GATE_RELEASE = `
local function counter() ${readCounter} end
local count = counter()
if count == nil then return -1 end
if count <= 0 then return 0 end
return redis.call('DECR', KEYS[1])
`;

const GATE_ADD = `
local function counter() ${readCounter} end
local count = counter()
if count == nil then return -1 end
return redis.call('INCR', KEYS[1])
`;

/** Token bucket on the server's clock, so every instance agrees. Returns {allowed 0|1, retryAfterMs}. */
const TAKE_TOKEN = `
local function take(key, capacity, perMs, ttlMs)
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(state[1])
  local at = tonumber(state[2])
  if tokens == nil or at == nil then
    tokens = capacity
    at = now
  end
  tokens = math.min(capacity, tokens + math.max(0, now - at) * perMs)
  local allowed = 0
  local retryAfter = 0
  if tokens >= 1 then
    tokens = tokens - 1
    allowed = 1
  else
    retryAfter = math.ceil((1 - tokens) / perMs)
  end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', key, ttlMs)
  return {allowed, retryAfter}
end
`;

const RATE_TAKE = `${TAKE_TOKEN}
return take(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3])
`;

/**
 * An event's claim (SET NX EX) and, only when it is won, a token from the actor's bucket: one round
 * trip on every interaction's way in. Reply: {0, 0, 0} lost | {1, allowed 0|1, retryAfterMs}.
 */
const CLAIM_AND_TAKE = `${TAKE_TOKEN}
if not redis.call('SET', KEYS[1], '1', 'EX', ARGV[1], 'NX') then return {0, 0, 0} end
local decision = take(KEYS[2], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4])
return {1, decision[1], decision[2]}
`;

/** Views. get -> {1, json} | {0, stamp}; set refused (0) when the key was stamped after `seen`. */
const VIEW_GET = `
local json = redis.call('GET', KEYS[1])
if json then return {1, json} end
return {0, redis.call('GET', KEYS[2]) or '0'}
`;

const VIEW_SET = `
local seen = tonumber(ARGV[3])
if seen >= 0 and tonumber(redis.call('GET', KEYS[2]) or '0') > seen then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
`;

/**
 * KEYS: the stamp counter, then (view, stamp) pairs. ARGV: the stamps' TTL, the number of fresh values,
 * then per fresh value: its pair's index (0-based), json, ttl seconds, the stamp counter at its mark.
 * A fresh value is judged before this delete stamps its key: it is stored unless its key was stamped
 * after its mark (a later change's delete).
 */
const VIEW_DEL = `
local storable = {}
for f = 0, tonumber(ARGV[2]) - 1 do
  local base = 3 + f * 4
  local view = 2 + tonumber(ARGV[base]) * 2
  if tonumber(redis.call('GET', KEYS[view + 1]) or '0') <= tonumber(ARGV[base + 3]) then
    storable[#storable + 1] = {KEYS[view], ARGV[base + 1], ARGV[base + 2]}
  end
end
local stamp = redis.call('INCR', KEYS[1])
for i = 2, #KEYS, 2 do
  redis.call('UNLINK', KEYS[i])
  redis.call('SET', KEYS[i + 1], stamp, 'PX', ARGV[1])
end
for _, value in ipairs(storable) do
  redis.call('SET', value[1], value[2], 'EX', value[3])
end
return stamp
`;

export interface Scripts {
  /** A hit's JSON, or the key's delete stamp on a miss. */
  viewGet(viewKey: string, stampKey: string): Promise<{ json: string } | { stamp: number }>;
  /** `seen` -1: store unconditionally. */
  viewSet(
    viewKey: string,
    stampKey: string,
    json: string,
    ttlSeconds: number,
    seen: number,
  ): Promise<boolean>;
  /**
   * Deletes the pairs' views and stamps them; then stores each `fresh` value its mark still allows.
   * Returns the stamp counter as it left it.
   */
  viewDel(
    counterKey: string,
    pairs: readonly [string, string][],
    stampTtlMs: number,
    fresh?: readonly { pair: number; json: string; ttlSeconds: number; seen: number }[],
  ): Promise<number>;
  /** The stamp counter now (0 before the first delete). */
  viewStampNow(counterKey: string): Promise<number>;
  gateReserve(key: string, limit: number): Promise<[number, number]>;
  gateRelease(key: string): Promise<number>;
  gateAdd(key: string): Promise<number>;
  rateTake(key: string, capacity: number, perMs: number, ttlMs: number): Promise<[number, number]>;
  /** [won 0|1, allowed 0|1, retryAfterMs]: the bucket is only touched when the claim is won. */
  claimAndTake(
    eventKey: string,
    ttlSeconds: number,
    rateKey: string,
    capacity: number,
    perMs: number,
    ttlMs: number,
  ): Promise<[number, number, number]>;
}

type ScriptCall = (key: string, ...args: (string | number)[]) => Promise<unknown>;

/** defineCommand sends EVALSHA and loads the script (EVAL) on NOSCRIPT, e.g. after a Redis restart. */
export function defineScripts(redis: Redis): Scripts {
  const define = (name: string, lua: string, numberOfKeys?: number): ScriptCall => {
    redis.defineCommand(name, numberOfKeys === undefined ? { lua } : { numberOfKeys, lua });
    const command = (redis as unknown as Record<string, ScriptCall>)[name]!;
    return command.bind(redis);
  };
  const reserve = define("tasklaneGateReserve", GATE_RESERVE, 1);
  const release = define("tasklaneGateRelease", GATE_RELEASE, 1);
  const add = define("tasklaneGateAdd", GATE_ADD, 1);
  const take = define("tasklaneRateTake", RATE_TAKE, 1);
  const claimAndTake = define("tasklaneClaimAndTake", CLAIM_AND_TAKE, 2);
  const viewGet = define("tasklaneViewGet", VIEW_GET, 2);
  const viewSet = define("tasklaneViewSet", VIEW_SET, 2);
  // Without numberOfKeys the first argument is the number of keys.
  const viewDel = define("tasklaneViewDel", VIEW_DEL) as unknown as (
    ...args: (string | number)[]
  ) => Promise<unknown>;
  return {
    async viewGet(viewKey, stampKey) {
      const [hit, value] = (await viewGet(viewKey, stampKey)) as [number, string];
      return hit === 1 ? { json: value } : { stamp: Number(value) };
    },
    viewSet: async (viewKey, stampKey, json, ttlSeconds, seen) =>
      (await viewSet(viewKey, stampKey, json, ttlSeconds, seen)) === 1,
    async viewDel(counterKey, pairs, stampTtlMs, fresh = []) {
      const keys = [counterKey, ...pairs.flat()];
      const values = fresh.flatMap((entry) => [entry.pair, entry.json, entry.ttlSeconds, entry.seen]);
      return Number(await viewDel(keys.length, ...keys, stampTtlMs, fresh.length, ...values));
    },
    viewStampNow: async (counterKey) => Number((await redis.get(counterKey)) ?? 0),
    gateReserve: async (key, limit) => (await reserve(key, limit)) as [number, number],
    gateRelease: async (key) => (await release(key)) as number,
    gateAdd: async (key) => (await add(key)) as number,
    rateTake: async (key, capacity, perMs, ttlMs) =>
      (await take(key, capacity, perMs, Math.ceil(ttlMs))) as [number, number],
    claimAndTake: async (eventKey, ttlSeconds, rateKey, capacity, perMs, ttlMs) =>
      (await claimAndTake(eventKey, rateKey, ttlSeconds, capacity, perMs, Math.ceil(ttlMs))) as [
        number,
        number,
        number,
      ],
  };
}
