import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisCache } from "../../src/cache/redis-cache.ts";
import type { Cache } from "../../src/cache/types.ts";
import { createPageStore, type ListPage } from "../../src/discord/list-pages.ts";
import { silentLogger } from "../../src/log.ts";
import { PATIENT_TIMEOUTS } from "../cache/patient-timeouts.ts";
import { testRedisUrl, uniqueRedisPrefix } from "../support/test-db.ts";

const first: ListPage = {
  query: { kind: "queue", channelId: "10" },
  guildId: "1",
  userId: "2",
  cursor: null,
  pageNumber: 1,
  previousToken: null,
};

describe("list pages saved with the next one (real Redis)", () => {
  let a: Cache;
  let b: Cache;
  beforeAll(async () => {
    const keyPrefix = uniqueRedisPrefix();
    const open = () =>
      createRedisCache({ url: testRedisUrl(), keyPrefix, log: silentLogger, timeouts: PATIENT_TIMEOUTS });
    [a, b] = [await open(), await open()];
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it("stores both, for any instance, with the tokens saving them one by one gives; the next links back", async () => {
    const next = { ...first, cursor: "c2", pageNumber: 2 };
    const nextToken = await createPageStore(a).saveWithNext(first, next);

    const oneByOne = createPageStore(a);
    const ownToken = await oneByOne.save(first);
    expect(await oneByOne.save({ ...next, previousToken: ownToken })).toBe(nextToken);

    const elsewhere = createPageStore(b);
    expect(await elsewhere.load(nextToken)).toEqual({ ...next, previousToken: ownToken });
    expect(await elsewhere.load(ownToken)).toEqual(first);
  });
});
