import 'reflect-metadata';
import {
  AccountRepository,
  ConsoleSessionRepository,
  dataSourceOptions,
  OAuthAccessTokenRepository,
  WorkspaceRepository,
} from '@dify/db';
import { DomainError } from '@dify/domain';
import { AccountService, PasswordHasher } from '@dify/identity';
import { databaseEnv, loadEnvOrExit, redisEnv, redisOptionsFromUrl } from '@dify/platform';
import { AccountTokenRevoker, BearerCacheStore } from '@dify/tokens';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { parseAccountCommandLine, required, UsageError, USAGE } from './account-command-line';

const out = (text: string): void => void process.stdout.write(`${text}\n`);

/** The operator's account command, run against the configured database. */
async function main(): Promise<void> {
  const { command, values, role } = parseAccountCommandLine(process.argv.slice(2));

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
      new ConsoleSessionRepository(dataSource),
      new PasswordHasher(),
      // Operators create accounts whatever ALLOW_REGISTER says; it governs self-service only.
      { allowRegister: true },
    );
    if (command === 'disable') {
      await disable(dataSource, accounts, required(values.email, '--email'));
    } else if (command === 'create') {
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

/** Bans the account, then revokes its device tokens and evicts them from the bearer cache. */
async function disable(
  dataSource: DataSource,
  accounts: AccountService,
  email: string,
): Promise<void> {
  const config = loadEnvOrExit('accounts', redisEnv);
  const redis = new Redis({
    ...redisOptionsFromUrl(config.REDIS_URL),
    keyPrefix: config.REDIS_KEY_PREFIX,
    maxRetriesPerRequest: 2,
  });
  try {
    const accountId = await accounts.disable(email);
    const revoked = await new AccountTokenRevoker(
      dataSource,
      new OAuthAccessTokenRepository(dataSource),
      new BearerCacheStore(redis),
    ).revokeAll(accountId);
    out(`disabled ${accountId}; revoked ${revoked.length} device tokens`);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
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
