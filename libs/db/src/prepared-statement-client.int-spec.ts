import { testEnvironment } from '@dify/testing';
import { DataSource, type QueryRunner } from 'typeorm';
import { dataSourceOptions } from './data-source.options';
import { PREPARED_STATEMENTS_PER_CONNECTION } from './prepared-statement-client';

/** The statements prepared on the runner's own connection, by text. */
async function preparedOn(runner: QueryRunner): Promise<string[]> {
  const rows: { statement: string }[] = await runner.query(
    'SELECT statement FROM pg_prepared_statements ORDER BY prepare_time',
  );
  return rows.map((row) => row.statement);
}

describe('PreparedStatementClient', () => {
  const sources: DataSource[] = [];

  async function connect(preparedStatements?: boolean): Promise<QueryRunner> {
    const dataSource = new DataSource(
      dataSourceOptions({
        url: testEnvironment().databaseUrl,
        poolMax: 1,
        applicationName: 'test-prepared',
        preparedStatements,
      }),
    );
    await dataSource.initialize();
    sources.push(dataSource);
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    return runner;
  }

  afterAll(async () => {
    await Promise.all(sources.map((source) => source.destroy()));
  });

  it('prepares a statement with parameters once per connection and reuses it', async () => {
    const runner = await connect();
    const text = 'SELECT $1::int + 1 AS next';

    const answers = [];
    for (const value of [1, 2, 3]) answers.push(await runner.query(text, [value]));

    expect(answers).toEqual([[{ next: 2 }], [{ next: 3 }], [{ next: 4 }]]);
    expect(await preparedOn(runner)).toEqual([text]);
    await runner.release();
  });

  it('leaves statements without parameters unnamed', async () => {
    const runner = await connect();

    await runner.query('SELECT 1');
    await runner.startTransaction();
    await runner.commitTransaction();

    expect(await preparedOn(runner)).toEqual([]);
    await runner.release();
  });

  it('prepares nothing when turned off', async () => {
    const runner = await connect(false);

    expect(await runner.query('SELECT $1::text AS echoed', ['x'])).toEqual([{ echoed: 'x' }]);
    expect(await preparedOn(runner)).toEqual([]);
    await runner.release();
  });

  it('reports a failing statement as before, every time, and keeps the connection usable', async () => {
    const runner = await connect();
    const broken = 'SELECT $1::int FROM no_such_table';
    const failing = 'SELECT 1 / $1::int AS quotient';

    for (let attempt = 0; attempt < 2; attempt += 1) {
      await expect(runner.query(broken, [1])).rejects.toThrow(
        'relation "no_such_table" does not exist',
      );
      await expect(runner.query(failing, [0])).rejects.toThrow('division by zero');
    }

    expect(await runner.query(failing, [2])).toEqual([{ quotient: 0 }]);
    // A text that never parsed is not prepared; one that failed only when run is.
    expect(await preparedOn(runner)).toEqual([failing]);
    await runner.release();
  });

  it('runs statements past its bound unnamed, so a connection never holds more', async () => {
    const runner = await connect();
    const texts = Array.from(
      { length: PREPARED_STATEMENTS_PER_CONNECTION + 5 },
      (_, i) => `SELECT $1::int + ${i} AS sum`,
    );

    for (const [i, text] of texts.entries()) {
      expect(await runner.query(text, [1])).toEqual([{ sum: 1 + i }]);
    }

    const prepared = await preparedOn(runner);
    expect(prepared).toHaveLength(PREPARED_STATEMENTS_PER_CONNECTION);
    expect(prepared).toEqual(texts.slice(0, PREPARED_STATEMENTS_PER_CONNECTION));
    await runner.release();
  });
});
