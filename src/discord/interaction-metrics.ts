import { Counter, Histogram, type Registry } from "prom-client";

/** Every kind of event that comes in through the guarded runner. */
export type EntryKind = "slash" | "button" | "modal" | "autocomplete" | "context_menu" | "mention" | "other";

export interface InteractionOutcome {
  kind: EntryKind;
  /** ok, refused:<code>, error, shed (dropped unanswered under overload) */
  outcome: string;
  ms: number;
}

/** tasklane_interactions_total{kind,outcome} and tasklane_interaction_seconds{kind}. */
export function registerInteractionMetrics(registry: Registry): (event: InteractionOutcome) => void {
  const total = new Counter({
    name: "tasklane_interactions_total",
    help: "Interactions and mentions answered, by kind (slash, button, modal, autocomplete, context menu, mention) and outcome",
    labelNames: ["kind", "outcome"],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: "tasklane_interaction_seconds",
    help: "Time from receiving an interaction or mention to having answered it",
    labelNames: ["kind"],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers: [registry],
  });
  return ({ kind, outcome, ms }) => {
    // Refusal codes are a small fixed set (UserError codes), so they are safe as a label.
    total.inc({ kind, outcome });
    seconds.observe({ kind }, ms / 1000);
  };
}
