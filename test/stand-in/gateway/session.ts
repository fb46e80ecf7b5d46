import { randomBytes } from "node:crypto";
import type { JsonObject } from "../types.ts";
import { GatewayOp } from "./intents.ts";

/** The sending side of one WebSocket connection. */
export interface Link {
  send(payload: JsonObject, compressible: boolean): void;
  readonly open: boolean;
}

const REPLAY_LIMIT = 5000;

/**
 * A gateway session: what IDENTIFY created and RESUME continues. It outlives its connection;
 * dispatches made while no connection is attached are kept and replayed on RESUME.
 */
export class GatewaySession {
  readonly id = randomBytes(16).toString("hex");
  seq = 0;
  link: Link | null = null;
  /** set once READY and every GUILD_CREATE were sent */
  ready = false;
  private readonly sent: { s: number; payload: JsonObject }[] = [];

  constructor(
    readonly shard: [number, number],
    readonly intents: number,
    readonly compress: boolean,
  ) {}

  has(intent: number): boolean {
    return (this.intents & intent) === intent;
  }

  dispatch(t: string, d: JsonObject): number {
    const s = ++this.seq;
    const payload = { op: GatewayOp.Dispatch, t, s, d };
    this.sent.push({ s, payload });
    if (this.sent.length > REPLAY_LIMIT) this.sent.shift();
    if (this.link?.open) this.link.send(payload, this.compress);
    return s;
  }

  /** Dispatches after `seq`, or undefined when some were already forgotten (the client must re-identify). */
  replayAfter(seq: number): JsonObject[] | undefined {
    const first = this.sent[0];
    if (seq > this.seq) return undefined;
    if (first && first.s > seq + 1) return undefined;
    return this.sent.filter((e) => e.s > seq).map((e) => e.payload);
  }
}
