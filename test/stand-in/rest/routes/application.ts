import type { Core } from "../../core.ts";
import { apiErrors } from "../../errors.ts";
import type { Json, JsonObject } from "../../types.ts";
import { ok, type RouteDef } from "../router.ts";

/** Gateway discovery, the bot user, users, and the application. */
export function applicationRoutes(
  core: Core,
  gatewayUrl: () => string,
  shardCount: () => number,
  maxConcurrency: number,
): RouteDef[] {
  const { world } = core;
  return [
    {
      method: "GET",
      route: "/gateway/bot",
      auth: true,
      handle: () =>
        ok({
          url: gatewayUrl(),
          shards: shardCount(),
          session_start_limit: {
            total: 1000,
            remaining: 999,
            reset_after: 14_400_000,
            max_concurrency: maxConcurrency,
          },
        }),
    },
    { method: "GET", route: "/gateway", auth: false, handle: () => ok({ url: gatewayUrl() }) },
    {
      method: "GET",
      route: "/users/@me",
      auth: true,
      handle: () =>
        ok({
          ...world.botUser,
          verified: true,
          mfa_enabled: false,
          email: null,
          locale: "en-US",
        } as unknown as Json),
    },
    {
      method: "GET",
      route: "/users/:userId",
      auth: true,
      handle: ({ params }) => {
        const user = world.users.get(params.userId!);
        if (!user) throw apiErrors.unknownUser();
        return ok(user as unknown as Json);
      },
    },
    { method: "GET", route: "/applications/@me", auth: true, handle: () => ok(application(core)) },
    { method: "GET", route: "/oauth2/applications/@me", auth: true, handle: () => ok(application(core)) },
  ];
}

function application(core: Core): JsonObject {
  const { world } = core;
  const app = world.application;
  const firstGuild = [...world.guilds.values()][0];
  const owner = (firstGuild ? world.users.get(firstGuild.ownerId) : undefined) ?? world.botUser;
  return {
    id: app.id,
    name: app.name,
    icon: null,
    description: app.description,
    summary: "",
    type: null,
    hook: true,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: app.verifyKey,
    flags: app.flags,
    team: null,
    owner: owner as unknown as JsonObject,
    bot: world.botUser as unknown as JsonObject,
    redirect_uris: [],
    interactions_endpoint_url: null,
    role_connections_verification_url: null,
    tags: [],
    approximate_guild_count: world.guilds.size,
    approximate_user_install_count: 0,
    integration_types_config: { "0": {} },
    event_webhooks_url: null,
    event_webhooks_status: 1,
  };
}
