import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * The machines here have no Docker engine, so compose.yaml and the Dockerfile are checked statically:
 * the compose file's structure through a YAML parser, the Dockerfile's essentials through its instructions.
 */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

/** A value as compose reads it with the variables unset: `${NAME:-default}` is the default. */
const unset = (value: string) => value.replace(/\$\{\w+:-([^}]*)\}/g, "$1");

interface Service {
  image?: string;
  build?: string | { context: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string; interval?: string; retries?: number };
  volumes?: string[];
  ports?: string[];
}

describe("compose.yaml", () => {
  const compose = parse(read("compose.yaml")) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const { bot, postgres, redis } = compose.services;

  it("runs the bot built from this repository with Postgres 16 and Redis 7", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["bot", "postgres", "redis"]);
    expect(bot?.build).toBe(".");
    expect(postgres?.image).toMatch(/^postgres:16(\.|-|$)/);
    expect(redis?.image).toMatch(/^redis:7(\.|-|$)/);
  });

  it("wires DATABASE_URL and REDIS_URL to those services, with the credentials Postgres is given", () => {
    const database = new URL(unset(bot!.environment!.DATABASE_URL!));
    expect(database.protocol).toBe("postgres:");
    expect(database.hostname).toBe("postgres");
    expect(database.port).toBe("5432");
    expect(database.username).toBe(postgres!.environment!.POSTGRES_USER);
    expect(database.pathname).toBe(`/${postgres!.environment!.POSTGRES_DB}`);
    expect(database.password).toBe(unset(postgres!.environment!.POSTGRES_PASSWORD!));
    const cache = new URL(bot!.environment!.REDIS_URL!);
    expect([cache.protocol, cache.hostname]).toEqual(["redis:", "redis"]);
    expect(bot!.environment).not.toHaveProperty("DISCORD_TOKEN"); // from .env, never in the file
  });

  it("starts the bot only once Postgres and Redis report healthy, and both have health checks", () => {
    expect(bot!.depends_on).toEqual({
      postgres: { condition: "service_healthy" },
      redis: { condition: "service_healthy" },
    });
    expect(JSON.stringify(postgres!.healthcheck!.test)).toContain("pg_isready");
    expect(JSON.stringify(redis!.healthcheck!.test)).toContain("ping");
  });

  it("keeps Postgres's and Redis's data in named volumes", () => {
    const mounts = (service: Service) => (service.volumes ?? []).map((volume) => volume.split(":"));
    expect(mounts(postgres!)).toContainEqual(["postgres-data", "/var/lib/postgresql/data"]);
    expect(mounts(redis!)).toContainEqual(["redis-data", "/data"]);
    expect(Object.keys(compose.volumes).sort()).toEqual(["postgres-data", "redis-data"]);
  });

  it("publishes /healthz and /metrics on the bot's HTTP_PORT, to this machine only", () => {
    expect(bot!.ports).toEqual([`127.0.0.1:8080:${bot!.environment!.HTTP_PORT}`]);
  });
});

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions per stage, line continuations joined, comments dropped. */
function dockerfileStages(text: string): { from: string; name?: string; instructions: Instruction[] }[] {
  const logical = text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const stages: { from: string; name?: string; instructions: Instruction[] }[] = [];
  for (const line of logical) {
    const [, keyword = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === "FROM") {
      const [, image = "", name] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args) ?? [];
      stages.push({ from: image, ...(name ? { name } : {}), instructions: [] });
    } else stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

describe("Dockerfile", () => {
  const stages = dockerfileStages(read("Dockerfile"));
  const runtime = stages.at(-1)!;
  const all = (stage: (typeof stages)[number], keyword: string) =>
    stage.instructions.filter((instruction) => instruction.keyword === keyword).map((i) => i.args);

  it("is multi-stage on Node 20 slim", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toMatch(/^node:20(\.\d+)*-slim$/);
  });

  it("runs the compiled bot (node dist/main.js, with npm start's node flags) as a non-root user, stopping on SIGTERM", () => {
    const start = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.start as string;
    expect(start).toMatch(/^node (--\S+ )*dist\/main\.js$/);
    expect(all(runtime, "CMD")).toEqual([JSON.stringify(start.split(" ")).replaceAll(",", ", ")]);
    const users = all(runtime, "USER");
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    const keywords = runtime.instructions.map((instruction) => instruction.keyword);
    expect(keywords.indexOf("USER")).toBeLessThan(keywords.indexOf("CMD"));
    expect(all(runtime, "STOPSIGNAL")).toEqual(["SIGTERM"]);
  });

  it("checks health on /healthz of the port the bot serves", () => {
    const [check] = all(runtime, "HEALTHCHECK");
    expect(check).toMatch(/^(--\S+\s+)*CMD /);
    expect(check).toContain("/healthz");
    expect(check).toContain("process.env.HTTP_PORT");
    expect(all(runtime, "ENV").join(" ")).toMatch(/HTTP_PORT=8080/);
  });

  it("ships production dependencies only: the runtime's node_modules come from an npm ci --omit=dev stage", () => {
    const copies = all(runtime, "COPY");
    const modules = copies.find((copy) => copy.includes("node_modules"));
    const from = /--from=(\S+)/.exec(modules ?? "")?.[1];
    const source = stages.find((stage) => stage.name === from);
    expect(from, "node_modules are copied from a named stage").toMatch(/\S/);
    expect(source?.name, "node_modules are copied from a named stage").toBe(from);
    expect(all(source!, "RUN").join(" ")).toMatch(/npm ci\b.*--omit=dev/);
    expect(all(runtime, "RUN").join(" ")).not.toMatch(/npm (ci|install)/);
  });

  it("puts migrations where the compiled migration runner looks for them (dist/src/store → ../../../migrations)", () => {
    const copies = all(runtime, "COPY");
    expect(copies).toContainEqual(expect.stringMatching(/--from=build\b.*\/app\/dist \.\/dist$/));
    expect(copies).toContainEqual(expect.stringMatching(/(^|\s)migrations \.\/migrations$/));
  });

  it("copies only what exists, and keeps secrets and local state out of the build context", () => {
    for (const stage of stages) {
      for (const copy of all(stage, "COPY").filter((args) => !args.includes("--from="))) {
        const paths = copy
          .split(/\s+/)
          .filter((part) => !part.startsWith("--"))
          .slice(0, -1);
        for (const path of paths) expect(existsSync(join(ROOT, path)), `${path} exists`).toBe(true);
      }
    }
    expect(stages.flatMap((stage) => all(stage, "ADD"))).toEqual([]);
    const ignored = read(".dockerignore").split("\n");
    for (const entry of [".env", "node_modules", "dist", "data", ".git"]) expect(ignored).toContain(entry);
  });
});
