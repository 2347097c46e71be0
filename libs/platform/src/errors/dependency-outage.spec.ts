import { isDependencyOutage } from './dependency-outage';

function withCode(message: string, code: string, name = 'Error'): Error {
  return Object.assign(new Error(message), { code, name });
}

describe('isDependencyOutage', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED')],
    [
      'ioredis without its connection',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    ['an ioredis command timeout', new Error('Command timed out')],
    ['a closed ioredis connection', new Error('Connection is closed.')],
    [
      'Postgres shutting down',
      withCode('terminating connection due to administrator command', '57P01'),
    ],
    ['Postgres starting up', withCode('the database system is starting up', '57P03')],
    ['a dropped Postgres connection', new Error('Connection terminated unexpectedly')],
    ['a pool that cannot connect', new Error('timeout exceeded when trying to connect')],
    [
      'a Redis that is loading',
      withCode('LOADING Redis is loading the dataset in memory', '', 'ReplyError'),
    ],
    [
      'a TypeORM error wrapping a driver error',
      Object.assign(new Error('query failed'), { driverError: withCode('gone', 'ECONNRESET') }),
    ],
  ])('recognises %s', (_, error) => {
    expect(isDependencyOutage(error)).toBe(true);
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a Lua error', withCode('ERR Error running script', '', 'ReplyError')],
    ['a non-error', 'Connection is closed.'],
    ['nothing', undefined],
  ])('leaves %s alone', (_, error) => {
    expect(isDependencyOutage(error)).toBe(false);
  });
});
