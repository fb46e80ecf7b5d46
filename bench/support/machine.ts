import { execFileSync } from "node:child_process";
import os from "node:os";
import { Redis } from "ioredis";
import { postgresVersion } from "./databases.ts";
import { postgresSettings } from "./pg-settings.ts";

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  os: string;
  node: string;
  postgres: string;
  postgresSettings: Record<string, string>;
  redis: string;
  serversFrom: string;
  gitCommit: string;
  /** 1/5/15-minute load averages when the run started and ended (others share this machine). */
  loadAtStart: number[];
  loadAtEnd?: number[];
}

async function redisVersion(redisUrl: string): Promise<string> {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const info = await client.info("server");
    return /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";
  } finally {
    client.disconnect();
  }
}

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

export const loadAverage = () => os.loadavg().map((value) => Math.round(value * 100) / 100);

export async function describeMachine(servers: {
  postgresUrl: string;
  redisUrl: string;
  source: string;
}): Promise<MachineInfo> {
  return {
    cores: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: await postgresVersion(servers.postgresUrl),
    postgresSettings: await postgresSettings(servers.postgresUrl),
    redis: await redisVersion(servers.redisUrl),
    serversFrom: servers.source,
    gitCommit: gitCommit(),
    loadAtStart: loadAverage(),
  };
}
