import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { DbModule } from '@dify/db';
import { generateUuidV7 } from '@dify/domain';
import { testEnvironment } from '@dify/testing';
import { DataSource } from 'typeorm';
import { AccountDirectoryModule } from './account-directory.module';
import { AccountDirectory } from './account-directory.service';

/** The account read model on the real DbModule alone: it needs no settings, Redis or audit. */
describe('AccountDirectory (real Postgres)', () => {
  let module: TestingModule;
  let directory: AccountDirectory;
  let dataSource: DataSource;

  beforeAll(async () => {
    const { databaseUrl } = testEnvironment();
    module = await Test.createTestingModule({
      imports: [
        DbModule.forRoot({ url: databaseUrl, poolMax: 4, applicationName: 'account-directory' }),
        AccountDirectoryModule,
      ],
    }).compile();
    await module.init();
    directory = module.get(AccountDirectory);
    dataSource = module.get(DataSource);
  });

  afterAll(() => module.close());

  async function account(name: string): Promise<{ id: string; email: string }> {
    const id = generateUuidV7();
    const email = `directory-${randomUUID()}@example.com`;
    await dataSource.query(`INSERT INTO accounts (id, email, name) VALUES ($1, $2, $3)`, [
      id,
      email,
      name,
    ]);
    return { id, email };
  }

  /** A workspace created `ageDays` ago, joined by the account. */
  async function join(
    accountId: string,
    workspace: { name: string; ageDays: number; role: string; current: boolean },
  ): Promise<string> {
    const id = generateUuidV7();
    await dataSource.query(
      `INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, now() - make_interval(days => $3))`,
      [id, workspace.name, workspace.ageDays],
    );
    await dataSource.query(
      `INSERT INTO tenant_account_joins (id, tenant_id, account_id, role, current)
       VALUES ($1, $2, $3, $4, $5)`,
      [generateUuidV7(), id, accountId, workspace.role, workspace.current],
    );
    return id;
  }

  it('answers the account with every membership, oldest workspace first, and the current one as default', async () => {
    const { id, email } = await account('Ada');
    const newer = await join(id, { name: 'Newer', ageDays: 1, role: 'normal', current: true });
    const older = await join(id, { name: 'Older', ageDays: 9, role: 'owner', current: false });

    expect(await directory.find(id)).toEqual({
      accountId: id,
      email,
      name: 'Ada',
      memberships: [
        { id: older, name: 'Older', role: 'owner', current: false },
        { id: newer, name: 'Newer', role: 'normal', current: true },
      ],
      defaultWorkspaceId: newer,
    });
  });

  it('falls back to the oldest workspace when none is flagged current', async () => {
    const { id } = await account('Bo');
    await join(id, { name: 'Second', ageDays: 2, role: 'normal', current: false });
    const first = await join(id, { name: 'First', ageDays: 5, role: 'admin', current: false });

    expect((await directory.find(id))?.defaultWorkspaceId).toBe(first);
  });

  it('answers no memberships and no default for an account without a workspace', async () => {
    const { id } = await account('Cy');

    expect(await directory.find(id)).toMatchObject({ memberships: [], defaultWorkspaceId: null });
  });

  it('builds the same view from an account row already read, reading only the memberships', async () => {
    const { id, email } = await account('Di');
    const only = await join(id, { name: 'Only', ageDays: 3, role: 'owner', current: false });

    expect(await directory.withMembershipsOf({ id, email, name: 'Di' })).toEqual(
      await directory.find(id),
    );
    // The row handed in is the one shown: the account is not read again.
    expect(await directory.withMembershipsOf({ id, email, name: 'Handed in' })).toEqual({
      accountId: id,
      email,
      name: 'Handed in',
      memberships: [{ id: only, name: 'Only', role: 'owner', current: false }],
      defaultWorkspaceId: only,
    });
  });

  it('answers null for an id no account has', async () => {
    expect(await directory.find(generateUuidV7())).toBeNull();
  });
});
