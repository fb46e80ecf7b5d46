import { tasklaneContender } from "../contenders/tasklane.ts";
import type { Scenario } from "../types.ts";
import { endToEnd } from "./e2e.ts";
import { scale } from "./scale.ts";
import { serviceThroughput } from "./service-throughput.ts";
import { sideBySide } from "./side-by-side.ts";
import { soak } from "./soak.ts";

/** In run order: the cheap, self-contained ones first. */
export const scenarios: Scenario[] = [
  serviceThroughput,
  sideBySide([tasklaneContender]),
  scale,
  endToEnd,
  soak,
];
