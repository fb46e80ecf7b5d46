import { readFileSync } from "node:fs";
import { relative } from "node:path";

/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package/file,
 * so a missed target can name its bottleneck; shares are of the busy time (idle left out). With
 * `lastSeconds`, only the profile's final seconds count (e.g. one kind's CPU phase, without start-up).
 * Usage: npx tsx bench/profile-summary.ts file.cpuprofile [top] [lastSeconds]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  endTime: number;
  startTime: number;
}

function where(url: string): string {
  if (!url) return "(native)";
  const path = url.replace(/^file:\/\//, "");
  const modules = path.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = path.slice(modules + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  return path.startsWith("node:") ? path : relative(process.cwd(), path);
}

export function summarizeProfile(file: string, top = 25, lastSeconds?: number): string {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  const from = lastSeconds ? profile.endTime - lastSeconds * 1e6 : Number.NEGATIVE_INFINITY;
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index] ?? 0;
    if (at < from) return;
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  let idle = 0;
  for (const [id, ms] of selfMs) if (byId.get(id)!.callFrame.functionName === "(idle)") idle += ms;
  const total = [...selfMs.values()].reduce((sum, value) => sum + value, 0) - idle;
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === "(idle)") continue;
    const place = where(frame.url);
    const name = `${frame.functionName || "(anonymous)"} ${place}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    byPlace.set(place, (byPlace.get(place) ?? 0) + ms);
  }
  const table = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([name, ms]) =>
          `${ms.toFixed(0).padStart(8)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${name}`,
      )
      .join("\n");
  return `busy ${total.toFixed(0)} ms sampled (idle ${idle.toFixed(0)} ms left out${lastSeconds ? `; the last ${lastSeconds} s only` : ""})\n\nself time by package/file:\n${table(byPlace)}\n\nself time by function:\n${table(byFunction)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top, last] = process.argv.slice(2);
  if (!file) {
    console.error("usage: npx tsx bench/profile-summary.ts file.cpuprofile [top] [lastSeconds]");
    process.exit(2);
  }
  console.log(summarizeProfile(file, Number(top ?? 25), last ? Number(last) : undefined));
}
