import { afterAll, beforeAll } from "vitest";

/** Booting a bot or opening a database on a loaded machine can take a while. */
const OPEN_TIMEOUT_MS = 60_000;

/**
 * Opens a resource for the enclosing suite (beforeAll) and closes it after (afterAll), and returns a
 * handle to it right away: the handle forwards to the resource once the suite has opened it, so a test
 * file reads `const bot = useBot(...)` instead of copying the let / beforeAll / afterAll block.
 */
export function useInSuite<T extends object>(
  name: string,
  open: () => Promise<T>,
  close: (resource: T) => Promise<void>,
): T {
  let resource: T | undefined;
  beforeAll(async () => {
    resource = await open();
  }, OPEN_TIMEOUT_MS);
  afterAll(async () => {
    if (resource) await close(resource);
  });
  return new Proxy({} as T, {
    get(_target, key) {
      if (!resource) throw new Error(`${name} is opened in beforeAll: use it inside a test or a hook`);
      const value = Reflect.get(resource, key, resource);
      return typeof value === "function" ? value.bind(resource) : value;
    },
    set(_target, key, value) {
      if (!resource) throw new Error(`${name} is opened in beforeAll: use it inside a test or a hook`);
      return Reflect.set(resource, key, value, resource);
    },
  });
}
