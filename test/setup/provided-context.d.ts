// What test/setup/global-setup.ts hands every test file through vitest's provide/inject.
declare module "vitest" {
  export interface ProvidedContext {
    /** Superuser URL to the `postgres` database of the run's Postgres server. */
    databaseUrl: string;
    redisUrl: string;
    /** Fully migrated, frozen database that per-file databases are copied from. */
    templateDatabase: string;
    /** Prefix of this run's per-file database names, so teardown finds leftovers. */
    databasePrefix: string;
  }
}

export {};
