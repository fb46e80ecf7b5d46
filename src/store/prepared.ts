import { fillPlaceholders, getTableColumns, type SQL, sql, type Table } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Database, StatementText } from "./database.ts";

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
