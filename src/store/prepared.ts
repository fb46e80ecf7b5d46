import { fillPlaceholders, getTableColumns, is, type SQL, sql, type Table } from "drizzle-orm";
import { NodePgSession } from "drizzle-orm/node-postgres";
import { PgDialect } from "drizzle-orm/pg-core";
import { type Database, namedStatementPool, type Queryable, type StatementText } from "./database.ts";

/**
 * A hot-path statement whose SQL text is built once, when its module loads (drizzle's `sql` template
 * with `sql.placeholder("name")` for each value), and which then runs as a named prepared statement:
 * no query building per call, and Postgres parses and plans it once per connection.
 */
export interface PreparedStatement<Values extends Record<string, unknown>> extends StatementText {
  readonly params: unknown[];
  /** Only for the type: the values `runPrepared` takes. */
  readonly values?: Values;
}

const dialect = new PgDialect();

export function prepareStatement<Values extends Record<string, unknown>>(
  name: string,
  query: SQL,
): PreparedStatement<Values> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return { name, text, params };
}

/** Runs the statement on its own (autocommit) with `values` for its placeholders. */
export function runPrepared<Row extends Record<string, unknown>, Values extends Record<string, unknown>>(
  database: Database,
  statement: PreparedStatement<Values>,
  values: Values,
): Promise<Row[]> {
  return database.run<Row>(statement, fillPlaceholders(statement.params, values));
}

/**
 * `alias.column AS "key"` for each of the table's columns (but `except`), so a raw row reads as the
 * table's drizzle row (timestamps come back as Dates from both drivers). `prefix` keeps two tables apart.
 */
export function columnsAs(table: Table, alias: string, except: readonly string[] = [], prefix = ""): SQL {
  return sql.raw(
    Object.entries(getTableColumns(table))
      .filter(([key]) => !except.includes(key))
      .map(([key, column]) => `${alias}.${column.name} AS "${prefix}${key}"`)
      .join(", "),
  );
}

/** What drizzle's pg and PGlite sessions hold: the client (pool, pooled client, PGlite or its transaction). */
interface DriverSession {
  client: {
    query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
    query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
  };
  logger: { logQuery(query: string, params: unknown[]): void };
}

/**
 * runPrepared on the database handle or inside a transaction (drizzle's session: its client, and its
 * logger, which counts the statement). Named on Postgres, the same text on PGlite; rows come back
 * as from `database.run` (the drivers' own parsers: timestamps as Dates, json parsed).
 */
export async function runPreparedOn<
  Row extends Record<string, unknown>,
  Values extends Record<string, unknown>,
>(q: Queryable, statement: PreparedStatement<Values>, values: Values): Promise<Row[]> {
  const session = q._.session as unknown as DriverSession;
  const params = fillPlaceholders(statement.params, values);
  session.logger.logQuery(statement.text, params);
  // On the handle (not in a transaction), a named statement runs where Database.run runs it.
  const pool = statement.name === "" ? undefined : namedStatementPool(q);
  if (pool)
    return (await pool.query<Row>({ name: statement.name, text: statement.text, values: params })).rows;
  const result = is(q._.session, NodePgSession)
    ? await session.client.query({ name: statement.name, text: statement.text, values: params })
    : await session.client.query(statement.text, params);
  return result.rows as Row[];
}

/**
 * Statements whose text depends on the call's shape (which filters, how many rows): each shape's text
 * built once, the first time it is asked for, and kept under `key` (a handful of shapes per statement).
 */
export class StatementShapes<Values extends Record<string, unknown>> {
  readonly #built = new Map<string, PreparedStatement<Values>>();
  /**
   * `planEachCall`: the texts run unnamed, so Postgres plans each call with its values. For statements
   * whose best plan depends on the values (a list's channel may hold 10 tasks of a million or most of
   * them): after five runs a named statement may keep a generic plan that walks the wrong index.
   */
  constructor(
    readonly name: string,
    readonly options: { planEachCall?: boolean } = {},
  ) {}

  get(key: string, build: () => SQL): PreparedStatement<Values> {
    let statement = this.#built.get(key);
    if (!statement) {
      const name = this.options.planEachCall ? "" : `${this.name}_${this.#built.size}`;
      statement = prepareStatement<Values>(name, build());
      this.#built.set(key, statement);
    }
    return statement;
  }
}
