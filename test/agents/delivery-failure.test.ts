import { DiscordAPIError, HTTPError, RateLimitError } from "discord.js";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { classifyFailure, NotReadyError } from "../../src/discord/delivery/delivery-failure.ts";
import { createDeliveryMetrics } from "../../src/discord/delivery/delivery-metrics.ts";

const request = { body: undefined, files: undefined };

describe("how a failed send is retried", () => {
  it("a 429 waits as long as Discord asked and does not count; a 5xx or a timeout counts; a 400 is final", () => {
    const limited = new RateLimitError({
      timeToReset: 1500,
      limit: 5,
      method: "POST",
      hash: "h",
      url: "/channels/1/messages",
      route: "/channels/:id/messages",
      majorParameter: "1",
      global: false,
      retryAfter: 1500,
      sublimitTimeout: 0,
      scope: "user",
    });
    expect(classifyFailure(limited)).toMatchObject({ kind: "rate_limited", retryAfterMs: 1500 });

    const tooMany = new DiscordAPIError(
      { code: 0, message: "You are being rate limited.", retry_after: 2.5 } as never,
      0,
      429,
      "POST",
      "/channels/1/messages",
      request,
    );
    expect(classifyFailure(tooMany)).toMatchObject({ kind: "rate_limited", retryAfterMs: 2500 });

    expect(classifyFailure(new HTTPError(502, "Bad Gateway", "POST", "/x", request))).toMatchObject({
      kind: "transient",
      message: "502 Bad Gateway",
    });
    const abort = Object.assign(new Error("This operation was aborted"), { name: "AbortError" });
    expect(classifyFailure(abort)).toMatchObject({ kind: "transient" });

    const missingAccess = new DiscordAPIError(
      { code: 50001, message: "Missing Access" },
      50001,
      403,
      "POST",
      "/x",
      request,
    );
    expect(classifyFailure(missingAccess)).toMatchObject({
      kind: "transient",
      message: "403 50001: Missing Access",
    });
    const badBody = new DiscordAPIError(
      { code: 50035, message: "Invalid Form Body" },
      50035,
      400,
      "POST",
      "/x",
      request,
    );
    expect(classifyFailure(badBody)).toMatchObject({ kind: "permanent" });

    expect(classifyFailure(new NotReadyError("client not ready", 300))).toEqual({
      kind: "not_ready",
      retryAfterMs: 300,
      message: "client not ready",
    });
  });

  it("counts outcomes in process and as Prometheus counters", async () => {
    const registry = new Registry();
    const metrics = createDeliveryMetrics(registry);
    metrics.sent("assignment");
    metrics.sent("card");
    metrics.coalesced("card", 3);
    metrics.retried("assignment", "rate_limited");
    metrics.dead("announcement");
    expect(metrics.counts()).toEqual({ sent: 2, skipped: 0, coalesced: 3, retried: 1, dead: 1 });
    const text = await registry.metrics();
    expect(text).toContain('tasklane_outbox_sent_total{kind="assignment"} 1');
    expect(text).toContain('tasklane_outbox_coalesced_total{kind="card"} 3');
    expect(text).toContain('tasklane_outbox_retries_total{kind="assignment",reason="rate_limited"} 1');
    expect(text).toContain('tasklane_outbox_dead_total{kind="announcement"} 1');
  });
});
