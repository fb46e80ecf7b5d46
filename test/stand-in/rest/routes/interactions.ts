import type { Core } from "../../core.ts";
import { handleCallback } from "../../interactions/callback.ts";
import {
  createFollowUp,
  deleteWebhookMessage,
  editWebhookMessage,
  interactionForWebhook,
  webhookMessage,
} from "../../interactions/webhook.ts";
import type { Json } from "../../types.ts";
import { noContent, ok, type RouteContext, type RouteDef } from "../router.ts";

/** Interaction callbacks and the interaction webhook (follow-ups, @original and follow-up edits). */
export function interactionRoutes(core: Core): RouteDef[] {
  const record = ({ params }: RouteContext) =>
    interactionForWebhook(core, params.applicationId!, params.token!);
  const message = "/webhooks/:applicationId/:token/messages/:messageId";
  return [
    {
      method: "POST",
      route: "/interactions/:interactionId/:token/callback",
      auth: false,
      handle: ({ params, body, files, query, receivedAt }) =>
        handleCallback(core, params.interactionId!, params.token!, {
          body,
          files,
          withResponse: query.get("with_response") === "true",
          receivedAt,
        }),
    },
    {
      method: "POST",
      route: "/webhooks/:applicationId/:token",
      auth: false,
      handle: (ctx) => {
        const stored = createFollowUp(core, record(ctx), ctx.body, ctx.files);
        return ctx.query.get("wait") === "true" ? ok(stored.message as unknown as Json) : noContent();
      },
    },
    {
      method: "GET",
      route: message,
      auth: false,
      handle: (ctx) =>
        ok(webhookMessage(core, record(ctx), ctx.params.messageId!).message as unknown as Json),
    },
    {
      method: "PATCH",
      route: message,
      auth: false,
      handle: (ctx) =>
        ok(
          editWebhookMessage(core, record(ctx), ctx.params.messageId!, ctx.body, ctx.files)
            .message as unknown as Json,
        ),
    },
    {
      method: "DELETE",
      route: message,
      auth: false,
      handle: (ctx) => {
        deleteWebhookMessage(core, record(ctx), ctx.params.messageId!);
        return noContent();
      },
    },
  ];
}
