import { type InternalRequest, REST, type RESTOptions, type ResponseLike } from "discord.js";

/** `/webhooks/:applicationId/:token…` sent without the bot token: an interaction's reply, edits and follow-ups. */
export function isInteractionWebhook(request: Pick<InternalRequest, "fullRoute" | "auth">): boolean {
  return request.auth === false && /^\/webhooks\/\d+\/[^/]+/.test(request.fullRoute);
}

/**
 * The client's REST, except that interaction webhooks (editReply, followUp) skip the bot's global
 * 50 requests/s: Discord does not count interaction endpoints against it, but @discordjs/rest puts
 * every non-callback request through one global counter, so under load an answer the user waits for
 * queued behind card edits and outbox posts. Their own per-route buckets still apply (the exempt
 * manager keeps them, from Discord's headers). Callbacks already bypass it in @discordjs/rest.
 */
export class InteractionExemptRest extends REST {
  private readonly webhooks: REST;

  constructor(options: Partial<RESTOptions> = {}) {
    super(options);
    this.webhooks = new REST({ ...options, globalRequestsPerSecond: Number.POSITIVE_INFINITY });
  }

  override queueRequest(request: InternalRequest): Promise<ResponseLike> {
    return isInteractionWebhook(request) ? this.webhooks.queueRequest(request) : super.queueRequest(request);
  }

  /** Per-route rate-limit handlers held now, webhooks' included. */
  get handlerCount(): number {
    return this.handlers.size + this.webhooks.handlers.size;
  }

  override clearHashSweeper(): void {
    super.clearHashSweeper();
    this.webhooks.clearHashSweeper();
  }

  override clearHandlerSweeper(): void {
    super.clearHandlerSweeper();
    this.webhooks.clearHandlerSweeper();
  }
}
