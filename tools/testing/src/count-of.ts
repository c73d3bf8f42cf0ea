import type pg from 'pg';

/**
 * Rows of `table` whose columns equal the given values, read straight from the database so that assertions do not
 * trust the code under test. Table and column names come from the test itself, never from input.
 */
export const countOf = async (pool: pg.Pool, table: string, where: Record<string, unknown> = {}): Promise<number> => {
  const columns = Object.keys(where);
  const condition = columns.length === 0 ? '' : ` where ${columns.map((column, index) => `${column} = $${index + 1}`).join(' and ')}`;
  const result = await pool.query<{ count: string }>(`select count(*) from ${table}${condition}`, Object.values(where));
  return Number(result.rows[0]?.count);
};
