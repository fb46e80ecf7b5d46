import { BusyError, UnavailableError, UserError } from "../domain/errors.ts";
import { classifyDatabaseFault } from "../store/transaction.ts";

/**
 * Every method of a service, with the database's passing faults turned into the sentences users
 * read: a lock that stayed taken ("busy") and a connection that went away ("try again"). They are
 * not bugs, so they get no apology with a reference id. Anything else passes through unchanged.
 */
export function withDatabaseFaults<S extends object>(service: S): S {
  const guarded = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(service)) {
    guarded[name] =
      typeof method === "function"
        ? async (...args: unknown[]) => {
            try {
              return await method(...args);
            } catch (error) {
              throw translate(error);
            }
          }
        : method;
  }
  return guarded as S;
}

function translate(error: unknown): unknown {
  return databaseFaultOf(error) ?? error;
}

/** The sentence for a passing database fault (busy / try again), or null for anything else. */
export function databaseFaultOf(error: unknown): UserError | null {
  if (error instanceof UserError) return null;
  const fault = classifyDatabaseFault(error);
  if (fault === "busy") return new BusyError();
  if (fault === "unavailable") return new UnavailableError();
  return null;
}
