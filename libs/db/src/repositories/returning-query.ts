import { DataSource, type EntityManager } from 'typeorm';

/**
 * Runs a statement and answers the rows it returned. TypeORM's plain `query()` answers
 * `[rows, rowCount]` for UPDATE and DELETE but bare rows for everything else, which makes
 * `UPDATE … RETURNING` easy to misread; a query runner's structured result is the same for every
 * statement. Inside a transaction the transaction's own runner is used.
 */
export async function queryRows<T>(
  source: DataSource | EntityManager,
  sql: string,
  parameters: readonly unknown[],
): Promise<T[]> {
  const manager = source instanceof DataSource ? source.manager : source;
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, [...parameters], true);
    return result.records as T[];
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
