import { describe, expect, it } from "vitest";
import { LruTtlMap } from "../../src/cache/lru-ttl-map.ts";

describe("LruTtlMap", () => {
  it("holds only live entries as it is written to, however rarely it is read", () => {
    let now = 0;
    const map = new LruTtlMap<number>(10_000, () => now);
    for (let i = 0; i < 1_000; i += 1) {
      map.set(`k${i}`, i, 60_000);
      now += 1_000;
    }
    // 1,000 writes a second apart with a minute to live: about the last minute's worth is kept.
    expect(map.size).toBeLessThanOrEqual(61);
    expect(map.get("k999")).toBe(999);
    expect(map.get("k0")).toBeUndefined();
  });

  it("still drops the least recently used entry first when full", () => {
    const map = new LruTtlMap<number>(2, () => 0);
    map.set("a", 1, 1_000);
    map.set("b", 2, 1_000);
    expect(map.get("a")).toBe(1);
    map.set("c", 3, 1_000);
    expect(map.get("b")).toBeUndefined();
    expect([map.get("a"), map.get("c")]).toEqual([1, 3]);
  });
});
