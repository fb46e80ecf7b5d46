import type { Scenario } from "../types.ts";
import { sideBySide } from "./side-by-side.ts";

/** In run order: the cheap, self-contained ones first. */
export const scenarios: Scenario[] = [sideBySide()];
