import type { RawData, WebSocket } from "ws";
import type { JsonObject } from "../types.ts";
import { type Encoder, perPayloadEncoder, plainEncoder } from "./encoder.ts";
import { CloseCode, GatewayOp } from "./intents.ts";
import type { GatewaySession, Link } from "./session.ts";

export interface ConnectionHost {
  heartbeatIntervalMs: number;
  identify(connection: Connection, d: JsonObject): void;
  resume(connection: Connection, d: JsonObject): void;
  requestGuildMembers(connection: Connection, d: JsonObject): void;
  closed(connection: Connection, code: number): void;
}

/** One WebSocket: HELLO, heartbeats, and the opcodes a client may send; dispatching lives in the session. */
export class Connection implements Link {
  session: GatewaySession | null = null;
  lastHeartbeatAt: number | null = null;
  heartbeats = 0;

  constructor(
    readonly socket: WebSocket,
    /** set when the client connected with ?compress=zlib-stream */
    private readonly zlibStream: Encoder | null,
    private readonly host: ConnectionHost,
  ) {
    socket.on("message", (data, isBinary) => this.receive(data, isBinary));
    socket.on("close", (code) => {
      zlibStream?.close();
      host.closed(this, code);
    });
    socket.on("error", () => {});
    this.send({
      op: GatewayOp.Hello,
      d: { heartbeat_interval: host.heartbeatIntervalMs, _trace: ['["stand-in-gateway"]'] },
    });
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** `compressible`: the session asked for per-payload compression at IDENTIFY */
  send(payload: JsonObject, compressible = false): void {
    if (!this.open) return;
    const encoder = this.zlibStream ?? (compressible ? perPayloadEncoder : plainEncoder);
    encoder.send(this.socket, JSON.stringify(payload));
  }

  close(code: number, reason = ""): void {
    if (this.open) this.socket.close(code, reason);
  }

  /** Drops the TCP connection without a close frame (the client sees 1006 and resumes). */
  terminate(): void {
    this.socket.terminate();
  }

  private receive(data: RawData, isBinary: boolean): void {
    let payload: JsonObject;
    try {
      if (isBinary) throw new Error("binary frames are not JSON");
      payload = JSON.parse(data.toString()) as JsonObject;
    } catch {
      this.close(CloseCode.DecodeError, "Error while decoding payload.");
      return;
    }
    const d = (payload.d ?? null) as JsonObject;
    const op = payload.op;
    if (op === GatewayOp.Heartbeat) {
      this.lastHeartbeatAt = Date.now();
      this.heartbeats++;
      this.send({ op: GatewayOp.HeartbeatAck });
    } else if (op === GatewayOp.Identify || op === GatewayOp.Resume) {
      if (this.session) this.close(CloseCode.AlreadyAuthenticated, "Already authenticated.");
      else if (op === GatewayOp.Identify) this.host.identify(this, d);
      else this.host.resume(this, d);
    } else if (
      op === GatewayOp.PresenceUpdate ||
      op === GatewayOp.VoiceStateUpdate ||
      op === GatewayOp.RequestGuildMembers
    ) {
      if (!this.session) this.close(CloseCode.NotAuthenticated, "Not authenticated.");
      else if (op === GatewayOp.RequestGuildMembers) this.host.requestGuildMembers(this, d);
    } else {
      this.close(CloseCode.UnknownOpcode, "Unknown opcode.");
    }
  }
}
