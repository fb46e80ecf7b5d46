// `npm run build`: compiles src/ and commands/ to dist/ (tsc -p tsconfig.build.json) and adds dist/main.js,
// the entry `npm start` runs. Plain JavaScript, so it needs nothing but Node and TypeScript.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
export const DIST = join(ROOT, "dist");
/** Written last: its time is the build's time (scripts/build/ensure-build.mjs compares against it). */
export const STAMP = join(DIST, ".build-stamp");

/** The TypeScript compiler's entry, or null where only production dependencies are installed. */
export function findTsc() {
  try {
    return createRequire(join(ROOT, "package.json")).resolve("typescript/bin/tsc");
  } catch {
    return null;
  }
}

export function build() {
  const tsc = findTsc();
  if (!tsc) {
    console.error("Cannot build: TypeScript is not installed (npm install, with dev dependencies).");
    process.exit(1);
  }
  rmSync(DIST, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (result.status !== 0) {
    console.error("Build failed: see the TypeScript errors above.");
    process.exit(result.status ?? 1);
  }
  mkdirSync(DIST, { recursive: true });
  writeFileSync(
    join(DIST, "main.js"),
    '// The entry point `npm start` runs; the compiled bot is under src/.\nimport "./src/main.js";\n',
  );
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) build();
