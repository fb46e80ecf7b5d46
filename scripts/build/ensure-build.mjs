// `prestart`: builds dist/ when it is missing or older than any source file, so a fresh clone's
// `npm install && npm start` runs the compiled bot. An image without sources (Docker) keeps its dist/.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { build, findTsc, ROOT, STAMP } from "./build.mjs";

const INPUTS = ["src", "commands", "tsconfig.json", "tsconfig.build.json", "package.json"];

function newestInput() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else if (stat.mtimeMs > newest) newest = stat.mtimeMs;
  };
  for (const input of INPUTS) if (existsSync(join(ROOT, input))) visit(join(ROOT, input));
  return newest;
}

const hasSources = existsSync(join(ROOT, "src"));
if (!existsSync(STAMP) || !existsSync(join(ROOT, "dist/main.js"))) {
  if (!hasSources) {
    console.error("dist/ is missing and there are no sources to build it from.");
    process.exit(1);
  }
  console.error("Building dist/ (first start) …");
  build();
} else if (hasSources && newestInput() > statSync(STAMP).mtimeMs) {
  if (findTsc()) {
    console.error("Sources changed since the last build: rebuilding dist/ …");
    build();
  } else {
    // Production dependencies only (npm ci --omit=dev): a checkout's fresh mtimes must not stop the start.
    console.error(
      "dist/ is older than the sources, but TypeScript is not installed here: starting the existing build (npm run build where dev dependencies are installed).",
    );
  }
}
