import 'reflect-metadata';
import { parseArgs } from 'node:util';
import {
  AccountRepository,
  dataSourceOptions,
  WORKSPACE_ROLES,
  WorkspaceRepository,
  type WorkspaceRole,
} from '@dify/db';
import { DomainError } from '@dify/domain';
import { databaseEnv, loadEnvOrExit } from '@dify/platform';
import { DataSource } from 'typeorm';
import { AccountService } from './accounts/account.service';
import { PasswordHasher } from './accounts/password-hasher.service';

const USAGE = `usage:
  npm run accounts -- create --email EMAIL --name NAME --password PASSWORD [--workspace NAME] [--role ${WORKSPACE_ROLES.join('|')}]
  npm run accounts -- list

create: a new account with its own workspace, or, with --workspace naming an existing workspace,
a member of it (role normal unless --role says otherwise).`;

const out = (text: string): void => void process.stdout.write(`${text}\n`);

class UsageError extends Error {}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required`);
  return value;
}

function roleOf(value: string | undefined): WorkspaceRole | undefined {
  if (value === undefined) return undefined;
  if (!(WORKSPACE_ROLES as readonly string[]).includes(value)) {
    throw new UsageError(`--role must be one of ${WORKSPACE_ROLES.join(', ')}`);
  }
  return value as WorkspaceRole;
}

/** The operator's account command, run against the configured database. */
async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      workspace: { type: 'string' },
      role: { type: 'string' },
    },
    strict: true,
  });
  if (command !== 'create' && command !== 'list') throw new UsageError('unknown command');
  const role = roleOf(values.role);

  const config = loadEnvOrExit('accounts', databaseEnv);
  const dataSource = new DataSource(
    dataSourceOptions({ url: config.DATABASE_URL, poolMax: 2, applicationName: 'dify-accounts' }),
  );
  await dataSource.initialize();
  try {
    const accounts = new AccountService(
      dataSource,
      new AccountRepository(dataSource),
      new WorkspaceRepository(dataSource),
      new PasswordHasher(),
      // Operators create accounts whatever ALLOW_REGISTER says; it governs self-service only.
      { allowRegister: true },
    );
    if (command === 'create') {
      const created = await accounts.create(
        {
          email: required(values.email, '--email'),
          name: required(values.name, '--name'),
          password: required(values.password, '--password'),
        },
        { workspaceName: values.workspace, role },
      );
      out(
        `created ${created.email} (${created.accountId}) as ${created.role} of ` +
          `"${created.workspaceName}" (${created.workspaceId})`,
      );
    } else {
      const listing = await accounts.list();
      out(['id', 'email', 'name', 'status', 'workspaces', 'created_at'].join('\t'));
      for (const account of listing) {
        out(
          [
            account.id,
            account.email,
            account.name,
            account.status,
            account.workspaces,
            account.createdAt.toISOString(),
          ].join('\t'),
        );
      }
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (error instanceof DomainError) {
    process.stderr.write(`${error.code}: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `accounts failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
