import type { Core } from "../../core.ts";
import { apiErrors } from "../../errors.ts";
import { restGuild } from "../../payloads/guild.ts";
import { threadPayload } from "../../state/threads.ts";
import type { GuildState } from "../../state/world.ts";
import { type Json, type JsonObject, THREAD_TYPES } from "../../types.ts";
import { noContent, ok, type RouteContext, type RouteDef } from "../router.ts";

/** Guilds, their channels, roles and members; single channels; typing. */
export function guildRoutes(core: Core, membersIntentAllowed: () => boolean): RouteDef[] {
  const { world } = core;
  const guildFor = ({ params }: RouteContext): GuildState => {
    const guild = world.findGuild(params.guildId!);
    if (!guild) throw apiErrors.unknownGuild();
    return guild;
  };
  return [
    {
      method: "GET",
      route: "/guilds/:guildId",
      auth: true,
      handle: (ctx) => ok(restGuild(guildFor(ctx), ctx.query.get("with_counts") === "true")),
    },
    {
      method: "GET",
      route: "/guilds/:guildId/channels",
      auth: true,
      // Threads are not listed here, as on Discord (GET /guilds/{id}/threads/active lists them).
      handle: (ctx) =>
        ok(
          [...guildFor(ctx).channels.values()].filter(
            (c) => !THREAD_TYPES.includes(c.type),
          ) as unknown as Json,
        ),
    },
    {
      method: "GET",
      route: "/guilds/:guildId/roles",
      auth: true,
      handle: (ctx) => ok([...guildFor(ctx).roles.values()] as unknown as Json),
    },
    {
      method: "GET",
      route: "/guilds/:guildId/members/:userId",
      auth: true,
      handle: (ctx) => {
        const member = world.member(guildFor(ctx).id, ctx.params.userId!);
        if (!member) throw apiErrors.unknownMember();
        return ok(member as unknown as Json);
      },
    },
    {
      method: "GET",
      route: "/guilds/:guildId/members",
      auth: true,
      handle: (ctx) => {
        const guild = guildFor(ctx);
        // listing members needs the privileged GUILD_MEMBERS intent switched on for the application
        if (!membersIntentAllowed()) throw apiErrors.missingAccess();
        const limit = Math.min(1000, Math.max(1, Number(ctx.query.get("limit") ?? 1)));
        const after = BigInt(ctx.query.get("after") ?? "0");
        const ids = [...guild.members.keys()]
          .filter((id) => BigInt(id) > after)
          .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
        return ok(ids.slice(0, limit).map((id) => world.member(guild.id, id)) as unknown as Json);
      },
    },
    {
      method: "GET",
      route: "/channels/:channelId",
      auth: true,
      handle: ({ params }) => {
        const channel = world.findChannel(params.channelId!);
        if (!channel) throw apiErrors.unknownChannel();
        return ok(channel as unknown as Json);
      },
    },
    {
      method: "PATCH",
      route: "/channels/:channelId",
      auth: true,
      handle: ({ params, body }) => {
        const channel = world.findChannel(params.channelId!);
        if (!channel) throw apiErrors.unknownChannel();
        // Threads only: editing a channel itself is not modelled (answered as an unknown route).
        if (!core.threads.isThread(channel)) throw apiErrors.notFound();
        const thread = core.threads.modify(channel, world.botUser.id, (body ?? {}) as JsonObject);
        return ok(threadPayload(thread) as Json);
      },
    },
    {
      method: "POST",
      route: "/channels/:channelId/typing",
      auth: true,
      handle: ({ params }) => {
        if (!world.findChannel(params.channelId!)) throw apiErrors.unknownChannel();
        return noContent();
      },
    },
  ];
}
