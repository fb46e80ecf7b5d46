import type { Json } from "../types.ts";
import type { UploadedFile } from "./read-body.ts";

export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Json | undefined;
  files: UploadedFile[];
  /** performance.now() when the request arrived */
  receivedAt: number;
}

export interface RouteAnswer {
  status: number;
  body?: Json;
}

export interface RouteDef {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** e.g. /channels/:channelId/messages/:messageId */
  route: string;
  /** needs `Authorization: Bot <token>` (interaction and webhook-token routes do not) */
  auth: boolean;
  handle(ctx: RouteContext): RouteAnswer | Promise<RouteAnswer>;
}

export type RouteMatch =
  | { kind: "found"; def: RouteDef; params: Record<string, string> }
  | { kind: "wrong-method"; route: string }
  | { kind: "unknown" };

export const ok = (body: Json): RouteAnswer => ({ status: 200, body });
export const created = (body: Json): RouteAnswer => ({ status: 201, body });
export const noContent = (): RouteAnswer => ({ status: 204 });

/** Matches paths against route templates; literal segments win over `:params` by registration order. */
export class Router {
  private readonly routes: { def: RouteDef; segments: string[] }[] = [];

  add(...defs: RouteDef[]): void {
    for (const def of defs) this.routes.push({ def, segments: def.route.split("/").slice(1) });
  }

  match(method: string, path: string): RouteMatch {
    const parts = path.split("/").slice(1);
    let wrongMethod: string | undefined;
    for (const { def, segments } of this.routes) {
      const params = matchSegments(segments, parts);
      if (!params) continue;
      if (def.method === method) return { kind: "found", def, params };
      wrongMethod ??= def.route;
    }
    return wrongMethod ? { kind: "wrong-method", route: wrongMethod } : { kind: "unknown" };
  }
}

function matchSegments(template: string[], parts: string[]): Record<string, string> | undefined {
  if (template.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of template.entries()) {
    const part = parts[i]!;
    if (segment.startsWith(":")) {
      if (part === "") return undefined;
      params[segment.slice(1)] = decodeURIComponent(part);
    } else if (segment !== part) {
      return undefined;
    }
  }
  return params;
}
