import { randomUUID } from 'node:crypto';
import { CookieJar, runBuiltCommand, ServiceProcess } from '@dify/testing';
import { Client } from 'pg';

const FAILURES_PER_EMAIL = 5;

/** Parallel bursts against one account through the gateway process: sign-in and switches. */
describe('console under parallel bursts (api process)', () => {
  const password = 'burst-password-1';
  let api: ServiceProcess;
  let db: Client;

  beforeAll(async () => {
    api = await ServiceProcess.start('api', {
      LOGIN_FAILURES_PER_EMAIL: String(FAILURES_PER_EMAIL),
      LOGIN_FAILURES_PER_IP: '100000',
    });
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await api?.stop();
    await db?.end();
  });

  function createAccount(): string {
    const email = `burst-${randomUUID()}@example.com`;
    const created = runBuiltCommand('accounts', [
      'create',
      '--email',
      email,
      '--name',
      'Burst',
      '--password',
      password,
    ]);
    expect(created.status).toBe(0);
    return email;
  }

  const login = (email: string, attempt: string) =>
    fetch(`${api.baseUrl}/console/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: attempt }),
    });

  it('answers at most LOGIN_FAILURES_PER_EMAIL of 50 parallel wrong passwords with 401', async () => {
    const email = createAccount();

    const responses = await Promise.all(
      Array.from({ length: 50 }, () => login(email, 'not-the-password')),
    );

    const statuses = responses.map((response) => response.status);
    const unauthorized = statuses.filter((status) => status === 401).length;
    expect(unauthorized).toBeGreaterThanOrEqual(1);
    expect(unauthorized).toBeLessThanOrEqual(FAILURES_PER_EMAIL);
    expect(statuses.filter((status) => status === 429)).toHaveLength(50 - unauthorized);
    for (const response of responses.filter((r) => r.status === 429)) {
      expect(await response.json()).toMatchObject({ code: 'login_locked' });
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
  });

  it('ends 20 parallel switches to different workspaces with 200 or 409 and one current', async () => {
    const email = createAccount();
    const jar = new CookieJar();
    jar.store(await login(email, password));
    const { rows } = await db.query(`SELECT id FROM accounts WHERE email = $1`, [email]);
    const accountId = (rows[0] as { id: string }).id;
    const targets: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const id = randomUUID();
      await db.query(`INSERT INTO tenants (id, name) VALUES ($1, $2)`, [id, `Burst ${i}`]);
      await db.query(
        `INSERT INTO tenant_account_joins (id, tenant_id, account_id, role) VALUES ($1, $2, $3, 'normal')`,
        [randomUUID(), id, accountId],
      );
      targets.push(id);
    }

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${api.baseUrl}/console/api/workspaces/switch`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            cookie: jar.header(),
            'x-csrf-token': jar.get('csrf_token') ?? '',
          },
          body: JSON.stringify({ tenant_id: targets[i % targets.length] }),
        }),
      ),
    );

    for (const response of responses) {
      expect([200, 409]).toContain(response.status);
      if (response.status === 409) {
        expect(await response.json()).toMatchObject({ code: 'workspace_switch_conflict' });
      }
    }
    const current = await db.query(
      `SELECT tenant_id FROM tenant_account_joins WHERE account_id = $1 AND current`,
      [accountId],
    );
    expect(current.rows).toHaveLength(1);
  });
});
