import { Inject, Injectable } from '@nestjs/common';
import {
  AccountRepository,
  ConsoleSessionRepository,
  WorkspaceRepository,
  type AccountListing,
  type WorkspaceRole,
} from '@dify/db';
import { generateUuidV7, normalizeEmail } from '@dify/domain';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { IDENTITY_ERROR_CODES, IdentityError } from '../identity.errors';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../identity.settings';
import { PasswordHasher } from './password-hasher.service';
import { passwordProblems } from './password.policy';

export interface NewAccount {
  readonly email: string;
  readonly name: string;
  readonly password: string;
}

export interface AccountPlacement {
  /** An existing workspace of this name is joined; otherwise one is created. */
  readonly workspaceName?: string;
  readonly role?: WorkspaceRole;
}

export interface CreatedAccount {
  readonly accountId: string;
  readonly email: string;
  readonly workspaceId: string;
  readonly workspaceName: string;
  readonly role: WorkspaceRole;
}

// Serialises first-account setup across every api replica (any constant unique to this use).
const SETUP_LOCK_KEY = 7_264_001;
const UNIQUE_VIOLATION = '23505';
const PLAUSIBLE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string } | undefined)?.code === UNIQUE_VIOLATION
  );
}

/** Accounts and the workspaces they start with. */
@Injectable()
export class AccountService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountRepository,
    private readonly workspaces: WorkspaceRepository,
    private readonly consoleSessions: ConsoleSessionRepository,
    private readonly passwords: PasswordHasher,
    @Inject(IDENTITY_SETTINGS) private readonly settings: Pick<IdentitySettings, 'allowRegister'>,
  ) {}

  async setupStep(): Promise<'not_started' | 'finished'> {
    return (await this.accounts.count()) === 0 ? 'not_started' : 'finished';
  }

  /** Creates the first account as owner of a new workspace; only while no account exists. */
  async setup(account: NewAccount): Promise<CreatedAccount> {
    const passwordHash = await this.hashNewPassword(account.password);
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [SETUP_LOCK_KEY]);
      if ((await this.accounts.count(manager)) > 0) {
        throw new IdentityError(
          IDENTITY_ERROR_CODES.setupAlreadyFinished,
          'Setup has already been completed',
        );
      }
      return this.insert(manager, account, passwordHash, {});
    });
  }

  /** Self-service sign-up, when the deployment allows it. */
  async register(account: NewAccount): Promise<CreatedAccount> {
    if (!this.settings.allowRegister) {
      throw new IdentityError(
        IDENTITY_ERROR_CODES.registrationDisabled,
        'Registration is disabled on this deployment',
      );
    }
    return this.create(account);
  }

  /** An operator's account creation: a new workspace, or membership of an existing one. */
  async create(account: NewAccount, placement: AccountPlacement = {}): Promise<CreatedAccount> {
    const passwordHash = await this.hashNewPassword(account.password);
    return this.dataSource.transaction((manager) =>
      this.insert(manager, account, passwordHash, placement),
    );
  }

  /**
   * Bans the account: it can no longer sign in, and every console session of it ends (the
   * session check reads the status on each call; the refresh tokens are revoked as well). Its
   * device tokens belong to the tokens library, which the caller asks to revoke with the id answered.
   */
  async disable(rawEmail: string): Promise<string> {
    const email = normalizeEmail(rawEmail);
    return this.dataSource.transaction(async (manager) => {
      const accountId = await this.accounts.setStatusByEmail(manager, email, 'banned');
      if (!accountId) {
        throw new IdentityError(IDENTITY_ERROR_CODES.accountNotFound, `No account for ${email}`);
      }
      await this.consoleSessions.revokeAccount(manager, accountId);
      return accountId;
    });
  }

  list(): Promise<AccountListing[]> {
    return this.accounts.list();
  }

  private async hashNewPassword(password: string): Promise<string> {
    const problems = passwordProblems(password);
    if (problems.length > 0) {
      throw new IdentityError(
        IDENTITY_ERROR_CODES.weakPassword,
        `Password ${problems.join(', ')}`,
        problems.map((msg) => ({ type: 'weak_password', loc: ['body', 'password'], msg })),
      );
    }
    return this.passwords.hash(password);
  }

  private async insert(
    manager: EntityManager,
    account: NewAccount,
    passwordHash: string,
    placement: AccountPlacement,
  ): Promise<CreatedAccount> {
    const email = normalizeEmail(account.email);
    // The HTTP edge validates emails thoroughly; this guards the operator command and any other caller.
    if (!PLAUSIBLE_EMAIL.test(email) || email.length > 255) {
      throw new IdentityError(IDENTITY_ERROR_CODES.invalidEmail, 'Not a valid email address');
    }
    const accountId = generateUuidV7();
    const name = account.name.trim();
    try {
      await this.accounts.insert(manager, { id: accountId, email, name, passwordHash });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new IdentityError(
          IDENTITY_ERROR_CODES.emailTaken,
          'An account with this email exists',
        );
      }
      throw error;
    }
    const workspaceName = placement.workspaceName?.trim() || `${name}'s Workspace`;
    const existing = placement.workspaceName
      ? await this.workspaces.findWorkspaceByName(manager, workspaceName)
      : null;
    const workspaceId = existing?.id ?? generateUuidV7();
    if (!existing)
      await this.workspaces.insertWorkspace(manager, { id: workspaceId, name: workspaceName });
    const role: WorkspaceRole = placement.role ?? (existing ? 'normal' : 'owner');
    await this.workspaces.insertMembership(manager, {
      id: generateUuidV7(),
      workspaceId,
      accountId,
      role,
      current: true,
    });
    return { accountId, email, workspaceId, workspaceName, role };
  }
}
