import { randomUUID } from 'node:crypto';
import { testEnvironment } from '@dify/testing';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../data-source.options';
import { ConsoleSessionRepository } from './console-session.repository';

/** The session check every console request makes, against real Postgres. */
describe('ConsoleSessionRepository.accountOfLiveSession (real Postgres)', () => {
  let dataSource: DataSource;
  let sessions: ConsoleSessionRepository;

  beforeAll(async () => {
    dataSource = new DataSource(
      dataSourceOptions({
        url: testEnvironment().databaseUrl,
        poolMax: 2,
        applicationName: 'console-session-repository',
      }),
    );
    await dataSource.initialize();
    sessions = new ConsoleSessionRepository(dataSource);
  });

  afterAll(() => dataSource.destroy());

  async function account(status = 'active'): Promise<{ id: string; email: string }> {
    const id = randomUUID();
    const email = `session-${id}@example.com`;
    await dataSource.query(
      `INSERT INTO accounts (id, email, name, password_hash, status)
       VALUES ($1, $2, 'Sam', 'not-a-real-hash', $3)`,
      [id, email, status],
    );
    return { id, email };
  }

  /** A refresh token of the session; `revoked` ends it. */
  async function token(sessionId: string, accountId: string, revoked = false): Promise<void> {
    await sessions.insertRefreshToken({
      id: randomUUID(),
      sessionId,
      accountId,
      tokenHash: randomUUID(),
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    if (revoked) await sessions.revokeSession(sessionId);
  }

  it('answers the account columns (and no password hash) of a live session', async () => {
    const { id, email } = await account();
    const sessionId = randomUUID();
    await token(sessionId, id);

    expect(await sessions.accountOfLiveSession(sessionId, id)).toEqual({
      id,
      email,
      name: 'Sam',
      status: 'active',
    });
  });

  it('answers the status of an account that is not active, for the caller to judge', async () => {
    const { id } = await account('banned');
    const sessionId = randomUUID();
    await token(sessionId, id);

    expect(await sessions.accountOfLiveSession(sessionId, id)).toMatchObject({ status: 'banned' });
  });

  it('answers null once every token of the session is revoked', async () => {
    const { id } = await account();
    const sessionId = randomUUID();
    await token(sessionId, id, true);

    expect(await sessions.accountOfLiveSession(sessionId, id)).toBeNull();
  });

  it('stays live while one token of the session is unrevoked', async () => {
    const { id } = await account();
    const sessionId = randomUUID();
    await dataSource.query(
      `INSERT INTO console_refresh_tokens (id, session_id, account_id, token_hash, expires_at, revoked_at)
       VALUES ($1, $2, $3, $4, now() + interval '1 day', now())`,
      [randomUUID(), sessionId, id, randomUUID()],
    );
    await token(sessionId, id);

    expect(await sessions.accountOfLiveSession(sessionId, id)).toMatchObject({ id });
  });

  it("answers null for a session issued to another account, naming either account's id", async () => {
    const owner = await account();
    const other = await account();
    const sessionId = randomUUID();
    await token(sessionId, owner.id);

    expect(await sessions.accountOfLiveSession(sessionId, other.id)).toBeNull();
    expect(await sessions.accountOfLiveSession(randomUUID(), owner.id)).toBeNull();
  });

  it('answers null when no account has the id', async () => {
    expect(await sessions.accountOfLiveSession(randomUUID(), randomUUID())).toBeNull();
  });
});
