import type { CreateTaskInput } from "../../../src/services/contracts.ts";
import { LABELS, WORDS } from "../../support/vocabulary.ts";
import { seededRandom } from "../../support/zipf.ts";

const PRIORITIES = ["low", "medium", "medium", "high", "critical"];

/** Realistic /task create inputs: a few words of title, a sentence or two, 0–3 labels. */
export function createInputs(seed = 7): (index: number) => CreateTaskInput {
  const random = seededRandom(seed);
  const word = () => WORDS[Math.floor(WORDS.length * random() ** 2)]!;
  const words = (count: number) => Array.from({ length: count }, word).join(" ");
  return (index) => ({
    title: `${words(3 + (index % 5))} ${index}`,
    description: words(10 + (index % 20)),
    priority: PRIORITIES[index % PRIORITIES.length],
    labels: Array.from({ length: index % 4 }, () => LABELS[Math.floor(LABELS.length * random())]!),
  });
}
