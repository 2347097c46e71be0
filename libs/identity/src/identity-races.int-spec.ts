import { CONSOLE_COOKIE_BASE_NAMES } from '@dify/domain';
import { randomUUID } from 'node:crypto';
import { type DynamicModule } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { type AuditEvent, AuditSink } from '@dify/audit';
import { DbModule } from '@dify/db';
import { generateUuidV7 } from '@dify/domain';
import { RedisModule } from '@dify/platform';
import { isolatedKeyPrefix, testEnvironment } from '@dify/testing';
import { DataSource } from 'typeorm';
import { AccountService } from './accounts/account.service';
import { PasswordHasher } from './accounts/password-hasher.service';
import { IdentityError } from './identity.errors';
import { IdentityModule } from './identity.module';
import type { IdentitySettings } from './identity.settings';
import { ConsoleSessionService } from './sessions/console-session.service';
import { WorkspaceService } from './workspaces/workspace.service';

/** The audit port only; Postgres and Redis are real. */
class RecordingAuditSink extends AuditSink {
  readonly events: AuditEvent[] = [];

  record(event: AuditEvent): Promise<string> {
    this.events.push(event);
    return Promise.resolve(`event-${this.events.length}`);
  }
}

const FAILURES_PER_EMAIL = 5;

const SETTINGS: IdentitySettings = {
  secretKey: 'identity-races-secret-key-0123456789abcdef',
  accessTokenMinutes: 60,
  refreshTokenDays: 30,
  allowRegister: false,
  loginFailuresPerEmail: FAILURES_PER_EMAIL,
  loginFailuresPerIp: 1_000,
  loginLockoutSeconds: 900,
  cookies: { secure: false, names: CONSOLE_COOKIE_BASE_NAMES },
};

/** Bursts against one account: the sign-in lockout and the workspace switch. */
describe('identity under bursts (real Postgres and Redis)', () => {
  let module: TestingModule;
  let sessions: ConsoleSessionService;
  let accounts: AccountService;
  let workspaces: WorkspaceService;
  let dataSource: DataSource;

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testEnvironment();
    const audit: DynamicModule = {
      module: class RecordingAuditModule {},
      global: true,
      providers: [{ provide: AuditSink, useValue: new RecordingAuditSink() }],
      exports: [AuditSink],
    };
    module = await Test.createTestingModule({
      imports: [
        DbModule.forRoot({ url: databaseUrl, poolMax: 25, applicationName: 'identity-races' }),
        RedisModule.forRoot({ url: redisUrl, keyPrefix: isolatedKeyPrefix('identity-races') }),
        audit,
        IdentityModule.forRoot(SETTINGS),
      ],
    }).compile();
    module.useLogger(false);
    await module.init();
    sessions = module.get(ConsoleSessionService);
    accounts = module.get(AccountService);
    workspaces = module.get(WorkspaceService);
    dataSource = module.get(DataSource);
  });

  afterEach(() => jest.restoreAllMocks());
  afterAll(() => module.close());

  const context = (ip = '198.51.100.30') => ({ ip, requestId: `req-${randomUUID()}` });

  describe('sign-in lockout', () => {
    it('lets at most the allowed failures of a parallel burst reach the password check', async () => {
      const email = `burst-${randomUUID()}@example.com`;
      await accounts.create({ email, name: 'Burst', password: 'the-right-password-1' });
      const verify = jest.spyOn(module.get(PasswordHasher), 'verify');

      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, () => sessions.login(email, 'a-wrong-password', context())),
      );

      const codes = outcomes.map((outcome) =>
        outcome.status === 'rejected' && outcome.reason instanceof IdentityError
          ? outcome.reason.code
          : 'unexpected',
      );
      const invalid = codes.filter((code) => code === 'invalid_credentials').length;
      expect(invalid).toBeGreaterThanOrEqual(1);
      expect(invalid).toBeLessThanOrEqual(FAILURES_PER_EMAIL);
      expect(codes.filter((code) => code === 'login_locked')).toHaveLength(50 - invalid);
      expect(verify.mock.calls.length).toBeLessThanOrEqual(FAILURES_PER_EMAIL);

      // Locked for the right password too, until the window slides.
      await expect(sessions.login(email, 'the-right-password-1', context())).rejects.toMatchObject({
        code: 'login_locked',
      });
    });

    it('does not count a successful sign-in as a failure, for the email or the IP', async () => {
      const email = `steady-${randomUUID()}@example.com`;
      await accounts.create({ email, name: 'Steady', password: 'the-right-password-2' });
      const ip = `203.0.113.${Math.floor(Math.random() * 200) + 1}`;

      for (let i = 0; i < FAILURES_PER_EMAIL * 2; i += 1) {
        await expect(
          sessions.login(email, 'the-right-password-2', context(ip)),
        ).resolves.toMatchObject({ sessionId: expect.any(String) as unknown });
      }
      for (let i = 0; i < FAILURES_PER_EMAIL - 1; i += 1) {
        await expect(sessions.login(email, 'wrong', context(ip))).rejects.toMatchObject({
          code: 'invalid_credentials',
        });
      }
      await expect(
        sessions.login(email, 'the-right-password-2', context(ip)),
      ).resolves.toBeDefined();
    });
  });

  describe('refresh-token reuse', () => {
    it('lets one of 16 concurrent refreshes win and leaves no live token, 30 rounds over', async () => {
      const email = `refresh-${randomUUID()}@example.com`;
      await accounts.create({ email, name: 'Refresher', password: 'refresh-password-1' });
      for (let round = 0; round < 30; round += 1) {
        const session = await sessions.login(email, 'refresh-password-1', context());

        const outcomes = await Promise.allSettled(
          Array.from({ length: 16 }, () => sessions.refresh(session.refreshToken, context())),
        );

        const won = outcomes.flatMap((outcome) =>
          outcome.status === 'fulfilled' ? [outcome.value] : [],
        );
        expect({ round, won: won.length }).toEqual({ round, won: 1 });
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') {
            expect((outcome.reason as IdentityError).code).toBe('invalid_refresh_token');
          }
        }
        // Fifteen reuses ended the session: nothing of it may still work, the winner's set included.
        const live: { count: string }[] = await dataSource.query(
          `SELECT count(*) AS count FROM console_refresh_tokens
            WHERE session_id = $1 AND revoked_at IS NULL AND rotated_at IS NULL`,
          [session.sessionId],
        );
        expect({ round, live: Number(live[0].count) }).toEqual({ round, live: 0 });
        await expect(sessions.refresh(won[0].refreshToken, context())).rejects.toMatchObject({
          code: 'invalid_refresh_token',
        });
        await expect(
          sessions.authenticate({ sub: session.accountId, sid: session.sessionId }),
        ).resolves.toBeNull();
      }
    });
  });

  describe('workspace switch', () => {
    it('ends 20 parallel switches to different workspaces with one current membership', async () => {
      const created = await accounts.create({
        email: `switch-${randomUUID()}@example.com`,
        name: 'Switcher',
        password: 'switch-password-1',
      });
      const targets = [created.workspaceId];
      for (let i = 0; i < 4; i += 1) {
        const id = generateUuidV7();
        await dataSource.query(`INSERT INTO tenants (id, name) VALUES ($1, $2)`, [id, `W${i}`]);
        await dataSource.query(
          `INSERT INTO tenant_account_joins (id, tenant_id, account_id, role, current)
           VALUES ($1, $2, $3, 'normal', false)`,
          [generateUuidV7(), id, created.accountId],
        );
        targets.push(id);
      }

      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          workspaces.switch(created.accountId, targets[i % targets.length], context()),
        ),
      );

      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toBeInstanceOf(IdentityError);
          expect((outcome.reason as IdentityError).code).toBe('workspace_switch_conflict');
        }
      }
      const current: { tenant_id: string }[] = await dataSource.query(
        `SELECT tenant_id FROM tenant_account_joins WHERE account_id = $1 AND current`,
        [created.accountId],
      );
      expect(current).toHaveLength(1);
      expect((await workspaces.current(created.accountId)).workspaceId).toBe(current[0].tenant_id);
    });
  });
});
