import { constants, createDeflate, type Deflate, deflateSync } from "node:zlib";
import type { WebSocket } from "ws";

/** How payloads go on the wire: plain JSON text, zlib per payload (identify `compress`), or one zlib stream. */
export interface Encoder {
  send(socket: WebSocket, json: string): void;
  close(): void;
}

export const plainEncoder: Encoder = {
  send: (socket, json) => socket.send(json),
  close: () => {},
};

/** IDENTIFY with `compress: true`: each payload is a complete zlib stream, sent as binary. */
export const perPayloadEncoder: Encoder = {
  send: (socket, json) => socket.send(deflateSync(json)),
  close: () => {},
};

/**
 * `?compress=zlib-stream`: one deflate context for the connection; every payload ends with a
 * Z_SYNC_FLUSH (the 00 00 ff ff suffix clients look for). Sends are chained to keep their order.
 */
export function zlibStreamEncoder(): Encoder {
  const deflate: Deflate = createDeflate();
  let chain = Promise.resolve();
  return {
    send(socket, json) {
      chain = chain.then(
        () =>
          new Promise<void>((resolve) => {
            const chunks: Buffer[] = [];
            const onData = (chunk: Buffer) => chunks.push(chunk);
            deflate.on("data", onData);
            deflate.write(json);
            deflate.flush(constants.Z_SYNC_FLUSH, () => {
              deflate.off("data", onData);
              if (socket.readyState === socket.OPEN) socket.send(Buffer.concat(chunks));
              resolve();
            });
          }),
      );
    },
    close() {
      deflate.close();
    },
  };
}
