import { apiErrors, FormErrors } from "../errors.ts";
import type { SnowflakeGenerator } from "../snowflake.ts";
import type { ApiCommand, ApiCommandOption, JsonObject, Snowflake } from "../types.ts";
import { validateCommand } from "./validate-command.ts";

const GLOBAL = "global";
const LIMITS: Record<number, number> = { 1: 100, 2: 15, 3: 15 };

/** Application commands, global and per guild, as registered through REST. */
export class CommandStore {
  private readonly scopes = new Map<string, Map<Snowflake, ApiCommand>>();

  constructor(
    private readonly applicationId: Snowflake,
    private readonly ids: SnowflakeGenerator,
  ) {}

  list(guildId: Snowflake | null): ApiCommand[] {
    return [...this.scope(guildId).values()];
  }

  get(guildId: Snowflake | null, id: Snowflake): ApiCommand {
    const found = this.scope(guildId).get(id);
    if (!found) throw apiErrors.unknownCommand();
    return found;
  }

  /** What a user in this guild can invoke: guild commands first, then global ones. */
  find(guildId: Snowflake, name: string, type: number): ApiCommand | undefined {
    const match = (c: ApiCommand) => c.name === name && c.type === type;
    return this.list(guildId).find(match) ?? this.list(null).find(match);
  }

  visibleIn(guildId: Snowflake): ApiCommand[] {
    const own = this.list(guildId);
    const shadowed = new Set(own.map((c) => `${c.type}:${c.name}`));
    return [...own, ...this.list(null).filter((c) => !shadowed.has(`${c.type}:${c.name}`))];
  }

  /** PUT: the new list replaces the old; commands keep their id when name and type are unchanged. */
  overwrite(guildId: Snowflake | null, body: unknown): ApiCommand[] {
    if (!Array.isArray(body))
      throw apiErrors.invalidFormBody({
        _errors: [{ code: "BASE_TYPE_ARRAY", message: "Must be an array." }],
      });
    const errors = new FormErrors();
    const seen = new Set<string>();
    const counts: Record<number, number> = {};
    for (const [i, def] of body.entries()) {
      validateCommand(def as JsonObject, errors, [i]);
      const type = ((def as JsonObject).type as number | undefined) ?? 1;
      const key = `${type}:${String((def as JsonObject).name)}`;
      if (seen.has(key))
        errors.add(
          [i, "name"],
          "APPLICATION_COMMANDS_DUPLICATE_NAME",
          "Application command names must be unique",
        );
      seen.add(key);
      counts[type] = (counts[type] ?? 0) + 1;
    }
    for (const [type, count] of Object.entries(counts)) {
      if (count > (LIMITS[Number(type)] ?? 0))
        errors.add([], "APPLICATION_COMMANDS_TOO_MANY", `Too many commands of type ${type}`);
    }
    errors.throwIfAny();
    const old = this.scope(guildId);
    const next = new Map<Snowflake, ApiCommand>();
    for (const def of body as JsonObject[]) {
      const type = (def.type as number | undefined) ?? 1;
      const previous = [...old.values()].find((c) => c.name === def.name && c.type === type);
      const command = this.materialize(guildId, def, previous);
      next.set(command.id, command);
    }
    this.scopes.set(guildId ?? GLOBAL, next);
    return [...next.values()];
  }

  /** POST: creates, or replaces the command with the same name and type. */
  upsert(guildId: Snowflake | null, def: JsonObject): { command: ApiCommand; created: boolean } {
    const errors = new FormErrors();
    validateCommand(def, errors, []);
    errors.throwIfAny();
    const type = (def.type as number | undefined) ?? 1;
    const scope = this.scope(guildId);
    const previous = [...scope.values()].find((c) => c.name === def.name && c.type === type);
    const command = this.materialize(guildId, def, previous);
    scope.set(command.id, command);
    this.scopes.set(guildId ?? GLOBAL, scope);
    return { command, created: !previous };
  }

  edit(guildId: Snowflake | null, id: Snowflake, patch: JsonObject): ApiCommand {
    const current = this.get(guildId, id);
    const merged = { ...(current as unknown as JsonObject), ...patch };
    const errors = new FormErrors();
    validateCommand(merged, errors, []);
    errors.throwIfAny();
    const command = this.materialize(guildId, merged, current);
    this.scope(guildId).set(id, command);
    return command;
  }

  remove(guildId: Snowflake | null, id: Snowflake): void {
    this.get(guildId, id);
    this.scope(guildId).delete(id);
  }

  private scope(guildId: Snowflake | null): Map<Snowflake, ApiCommand> {
    const key = guildId ?? GLOBAL;
    let scope = this.scopes.get(key);
    if (!scope) {
      scope = new Map();
      this.scopes.set(key, scope);
    }
    return scope;
  }

  private materialize(guildId: Snowflake | null, def: JsonObject, previous?: ApiCommand): ApiCommand {
    const type = (def.type as number | undefined) ?? 1;
    const perms = def.default_member_permissions;
    const command: ApiCommand = {
      id: previous?.id ?? this.ids.next(),
      application_id: this.applicationId,
      version: previous?.version ?? "",
      type,
      name: String(def.name),
      description: typeof def.description === "string" ? def.description : "",
      default_member_permissions: perms === undefined || perms === null ? null : String(perms),
      contexts: Array.isArray(def.contexts) ? (def.contexts as number[]) : null,
      integration_types: Array.isArray(def.integration_types) ? (def.integration_types as number[]) : [0],
      nsfw: def.nsfw === true,
    };
    if (guildId) command.guild_id = guildId;
    else command.dm_permission = def.dm_permission !== false;
    if (Array.isArray(def.options) && def.options.length > 0)
      command.options = def.options as ApiCommandOption[];
    if (def.name_localizations) command.name_localizations = def.name_localizations as Record<string, string>;
    if (def.description_localizations) {
      command.description_localizations = def.description_localizations as Record<string, string>;
    }
    const changed =
      !previous ||
      JSON.stringify({ ...previous, version: "" }) !== JSON.stringify({ ...command, version: "" });
    command.version = changed ? this.ids.next() : previous.version;
    return command;
  }
}
