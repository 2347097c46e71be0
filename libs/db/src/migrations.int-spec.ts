import { createMigratedDatabase, dropDatabase, testEnvironment } from '@dify/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.options';
import { MIGRATIONS } from './migrations/migration-list';

const serverUrl = (): string => process.env.TEST_DATABASE_SERVER_URL ?? '';

describe('migrations', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource(
      dataSourceOptions({
        url: testEnvironment().databaseUrl,
        poolMax: 2,
        applicationName: 'test',
      }),
    );
    await dataSource.initialize();
  });

  afterAll(() => dataSource.destroy());

  async function insertAccount(): Promise<string> {
    const id = randomUUID();
    await dataSource.query(`INSERT INTO accounts (id, email, name) VALUES ($1, $2, 'A')`, [
      id,
      `${id}@example.com`,
    ]);
    return id;
  }

  async function insertToken(identity: { email: string; label: string }, revoked = false) {
    await dataSource.query(
      `INSERT INTO oauth_access_tokens
         (id, subject_email, subject_issuer, client_id, device_label, prefix, token_hash, expires_at, revoked_at)
       VALUES ($1, $2, 'dify:account', 'difyctl', $3, 'dfoa_', $4, now() + interval '1 day', $5)`,
      [
        randomUUID(),
        identity.email,
        identity.label,
        revoked ? null : randomUUID().replace(/-/g, '').padEnd(64, '0'),
        revoked ? new Date() : null,
      ],
    );
  }

  it('allows one live token per device identity, any number of revoked ones', async () => {
    const identity = { email: `${randomUUID()}@example.com`, label: 'laptop' };
    await insertToken(identity);
    await insertToken(identity, true);
    await insertToken(identity, true);
    await expect(insertToken(identity)).rejects.toThrow(/uq_oauth_active_per_device/);
    await insertToken({ ...identity, label: 'server' });
  });

  it('keeps a live row tied to a hash and a revoked row without one', async () => {
    await expect(
      dataSource.query(
        `INSERT INTO oauth_access_tokens
           (id, subject_email, subject_issuer, client_id, device_label, prefix, token_hash, expires_at)
         VALUES ($1, 'a@example.com', 'dify:account', 'difyctl', 'x', 'dfoa_', NULL, now())`,
        [randomUUID()],
      ),
    ).rejects.toThrow(/ck_oauth_live_has_hash/);
    await expect(
      dataSource.query(
        `INSERT INTO oauth_access_tokens
           (id, subject_email, subject_issuer, client_id, device_label, prefix, token_hash, expires_at)
         VALUES ($1, 'a@example.com', 'dify:account', 'difyctl', 'y', 'dfox_', $2, now())`,
        [randomUUID(), 'f'.repeat(64)],
      ),
    ).rejects.toThrow(/ck_oauth_prefix/);
  });

  it('treats emails case-insensitively and allows one current workspace per account', async () => {
    const id = await insertAccount();
    await expect(
      dataSource.query(`INSERT INTO accounts (id, email, name) VALUES ($1, $2, 'B')`, [
        randomUUID(),
        `${id.toUpperCase()}@EXAMPLE.COM`,
      ]),
    ).rejects.toThrow(/uq_accounts_email/);

    const [first, second] = [randomUUID(), randomUUID()];
    for (const tenant of [first, second]) {
      await dataSource.query(`INSERT INTO tenants (id, name) VALUES ($1, 'W')`, [tenant]);
    }
    const join = (tenant: string, current: boolean) =>
      dataSource.query(
        `INSERT INTO tenant_account_joins (id, tenant_id, account_id, role, current)
         VALUES ($1, $2, $3, 'owner', $4)`,
        [randomUUID(), tenant, id, current],
      );
    await join(first, true);
    await expect(join(second, true)).rejects.toThrow(/uq_tenant_account_joins_current/);
  });

  it('reverts every migration and applies them again', async () => {
    const scratch = await createMigratedDatabase(serverUrl());
    const own = new DataSource(
      dataSourceOptions({ url: scratch.url, poolMax: 1, applicationName: 'test-revert' }),
    );
    await own.initialize();
    try {
      const tables = async (): Promise<string[]> => {
        const rows: { table_name: string }[] = await own.query(
          `SELECT table_name FROM information_schema.tables
            WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'
            ORDER BY table_name`,
        );
        return rows.map((row) => row.table_name);
      };
      expect(await tables()).toEqual([
        'accounts',
        'audit_logs',
        'console_refresh_tokens',
        'oauth_access_tokens',
        'tenant_account_joins',
        'tenants',
      ]);
      for (let i = 0; i < MIGRATIONS.length; i += 1) await own.undoLastMigration();
      expect(await tables()).toEqual([]);
      await own.runMigrations();
      expect(await tables()).toHaveLength(6);
    } finally {
      await own.destroy();
      await dropDatabase(serverUrl(), scratch.name);
    }
  });
});
