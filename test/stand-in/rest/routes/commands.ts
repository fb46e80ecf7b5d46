import type { Core } from "../../core.ts";
import { apiErrors } from "../../errors.ts";
import type { Json, JsonObject } from "../../types.ts";
import { created, noContent, ok, type RouteContext, type RouteDef } from "../router.ts";

/** /applications/{app}/commands and /applications/{app}/guilds/{guild}/commands: list, overwrite, create, edit, delete. */
export function commandRoutes(core: Core): RouteDef[] {
  const scope = ({ params }: RouteContext): string | null => {
    if (params.applicationId !== core.world.application.id) throw apiErrors.missingAccess();
    if (params.guildId === undefined) return null;
    if (!core.world.findGuild(params.guildId)) throw apiErrors.missingAccess();
    return params.guildId;
  };
  const routes = (base: string): RouteDef[] => [
    {
      method: "GET",
      route: base,
      auth: true,
      handle: (ctx) => ok(core.commands.list(scope(ctx)) as unknown as Json),
    },
    {
      method: "PUT",
      route: base,
      auth: true,
      handle: (ctx) => ok(core.commands.overwrite(scope(ctx), ctx.body) as unknown as Json),
    },
    {
      method: "POST",
      route: base,
      auth: true,
      handle: (ctx) => {
        const { command, created: isNew } = core.commands.upsert(scope(ctx), (ctx.body ?? {}) as JsonObject);
        return isNew ? created(command as unknown as Json) : ok(command as unknown as Json);
      },
    },
    {
      method: "GET",
      route: `${base}/:commandId`,
      auth: true,
      handle: (ctx) => ok(core.commands.get(scope(ctx), ctx.params.commandId!) as unknown as Json),
    },
    {
      method: "PATCH",
      route: `${base}/:commandId`,
      auth: true,
      handle: (ctx) =>
        ok(
          core.commands.edit(
            scope(ctx),
            ctx.params.commandId!,
            (ctx.body ?? {}) as JsonObject,
          ) as unknown as Json,
        ),
    },
    {
      method: "DELETE",
      route: `${base}/:commandId`,
      auth: true,
      handle: (ctx) => {
        core.commands.remove(scope(ctx), ctx.params.commandId!);
        return noContent();
      },
    },
  ];
  return [
    ...routes("/applications/:applicationId/commands"),
    ...routes("/applications/:applicationId/guilds/:guildId/commands"),
  ];
}
