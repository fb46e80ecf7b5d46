import { describe, expect, it } from "vitest";
import { newNonce } from "../../src/store/outbox.ts";

describe("outbox nonces", () => {
  it("are 16 base64url characters (Discord takes at most 25), never the same twice across pool refills", () => {
    const nonces = Array.from({ length: 1_000 }, () => newNonce());
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(new Set(nonces).size).toBe(nonces.length);
  });
});
