import { is, Placeholder, type SQL } from 'drizzle-orm';
import { PgDialect, type PgSession } from 'drizzle-orm/pg-core';
import type { SqlExecutor } from '@ordering/platform';

/**
 * A statement on a saga's hot path (a reply to the orchestrator, a participant's step), built once and sent as a named prepared
 * statement. Building a query with Drizzle on every call was 14–17 % of the services' busy CPU (issue 10), and
 * PostgreSQL parses and plans a named statement once per connection instead of once per call.
 *
 * Drizzle's own `.prepare()` binds the statement to the database it was built on (the pool), so it cannot run in a
 * caller's transaction; this runs the compiled text on whatever session `tx` is: the pool, or a transaction's client.
 *
 * Values go to `pg` as they are: give timestamps as Date, JSON as a string cast to `::jsonb` in the text, arrays
 * only for `::type[]` parameters. Rows come back as `pg` parses them, except that Drizzle's session leaves
 * timestamps as text: read them with `new Date(...)`.
 */
export interface PreparedStatement<Values extends Record<string, unknown>, Row> {
  readonly name: string;
  readonly text: string;
  run(tx: SqlExecutor, values: Values): Promise<Row[]>;
}

const dialect = new PgDialect();

/** Every Drizzle database and transaction carries its session; SqlExecutor's type just does not show it. */
const sessionOf = (tx: SqlExecutor): PgSession => {
  const session = (tx as { _?: { session?: PgSession } })._?.session;
  if (!session) throw new Error('a prepared statement needs a Drizzle database or transaction (it has no session)');
  return session;
};

/**
 * `query` names its parameters with `sql.placeholder('name')`; `name` must be unique per text in the process
 * (`pg` refuses one name for two texts on a connection).
 */
export const prepareStatement = <Values extends Record<string, unknown>, Row>(name: string, query: SQL): PreparedStatement<Values, Row> => {
  const compiled = dialect.sqlToQuery(query);
  const slots = compiled.params.map((param) => {
    if (!is(param, Placeholder)) throw new Error(`prepared statement ${name}: every value must be a placeholder, found ${String(param)}`);
    return param.name as keyof Values & string;
  });
  return {
    name,
    text: compiled.sql,
    async run(tx, values) {
      const params = slots.map((slot) => {
        if (!(slot in values)) throw new Error(`prepared statement ${name}: no value for ${slot}`);
        return values[slot];
      });
      const result = (await sessionOf(tx).prepareQuery({ sql: compiled.sql, params }, undefined, name, false).execute()) as { rows: Row[] };
      return result.rows;
    },
  };
};
