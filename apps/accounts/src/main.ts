import 'reflect-metadata';
import { AUDIT_EVENTS, AuditTrail } from '@dify/audit';
import {
  AccountRepository,
  ConsoleSessionRepository,
  dataSourceOptions,
  OAuthAccessTokenRepository,
  WorkspaceRepository,
} from '@dify/db';
import { DomainError } from '@dify/domain';
import { AccountService, PasswordHasher } from '@dify/identity';
import {
  bullRootOptions,
  databaseEnv,
  loadEnvOrExit,
  redisEnv,
  redisOptionsFromUrl,
} from '@dify/platform';
import { QUEUES } from '@dify/queue-contracts';
import { AccountTokenRevoker, BearerCacheStore } from '@dify/tokens';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { parseAccountCommandLine, required, UsageError, USAGE } from './account-command-line';

const out = (text: string): void => void process.stdout.write(`${text}\n`);

/** The operator's account command, run against the configured database. */
async function main(): Promise<void> {
  const { command, values, role } = parseAccountCommandLine(process.argv.slice(2));

  const config = loadEnvOrExit('accounts', databaseEnv);
  const dataSource = new DataSource(
    dataSourceOptions({
      url: config.DATABASE_URL,
      poolMax: 2,
      applicationName: 'dify-accounts',
      preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
    }),
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

/** The command's own output says what it did; the audit row is the lasting record. */
const NO_AUDIT_LOG_LINE = { info: (): void => undefined };

/**
 * Bans the account, then revokes its device tokens and evicts them from the bearer cache, and
 * records `account.disabled` for the worker to write to the audit trail.
 */
async function disable(
  dataSource: DataSource,
  accounts: AccountService,
  email: string,
): Promise<void> {
  const config = loadEnvOrExit('accounts', redisEnv);
  // Redis is opened only once the ban is in: BullMQ's connection, closed while still opening
  // (say the account did not exist), emits an error nothing can listen for any more, and that
  // crashed the command before it said why it failed.
  const accountId = await accounts.disable(email);
  const redis = new Redis({
    ...redisOptionsFromUrl(config.REDIS_URL),
    keyPrefix: config.REDIS_KEY_PREFIX,
    maxRetriesPerRequest: 2,
  });
  const auditQueue = new Queue(
    QUEUES.audit,
    bullRootOptions({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }),
  );
  try {
    const revoked = await new AccountTokenRevoker(
      dataSource,
      new OAuthAccessTokenRepository(dataSource),
      new BearerCacheStore(redis),
    ).revokeAll(accountId);
    await new AuditTrail(auditQueue, 'accounts', NO_AUDIT_LOG_LINE).record({
      event: AUDIT_EVENTS.accountDisabled,
      accountId,
      payload: { revoked_device_tokens: revoked.length },
    });
    out(`disabled ${accountId}; revoked ${revoked.length} device tokens`);
  } finally {
    await auditQueue.close();
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
