import { DomainError } from '@dify/domain';

/**
 * Error codes of accounts, workspaces and console sessions. Clients branch on them, so renaming
 * one is a breaking change.
 */
export const IDENTITY_ERROR_CODES = {
  invalidCredentials: 'invalid_credentials',
  loginLocked: 'login_locked',
  setupAlreadyFinished: 'setup_already_finished',
  registrationDisabled: 'registration_disabled',
  emailTaken: 'email_taken',
  weakPassword: 'weak_password',
  invalidEmail: 'invalid_email',
  noSession: 'no_session',
  csrfMismatch: 'csrf_mismatch',
  invalidRefreshToken: 'invalid_refresh_token',
  workspaceNotFound: 'workspace_not_found',
  noWorkspace: 'no_workspace',
  workspaceSwitchConflict: 'workspace_switch_conflict',
  accountNotFound: 'account_not_found',
} as const;

export type IdentityErrorCode = (typeof IDENTITY_ERROR_CODES)[keyof typeof IDENTITY_ERROR_CODES];

export class IdentityError extends DomainError {
  constructor(
    code: IdentityErrorCode,
    message: string,
    details?: unknown,
    /** Set on throttling errors; the edge turns it into `Retry-After`. */
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message, details);
  }
}
