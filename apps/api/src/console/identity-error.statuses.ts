import { IDENTITY_ERROR_CODES, type IdentityErrorCode } from '@dify/identity';

/** HTTP statuses of identity error codes at the gateway's edge. */
export const IDENTITY_ERROR_STATUSES: Readonly<Record<IdentityErrorCode, number>> = {
  [IDENTITY_ERROR_CODES.invalidCredentials]: 401,
  [IDENTITY_ERROR_CODES.loginLocked]: 429,
  [IDENTITY_ERROR_CODES.setupAlreadyFinished]: 409,
  [IDENTITY_ERROR_CODES.registrationDisabled]: 403,
  [IDENTITY_ERROR_CODES.emailTaken]: 409,
  [IDENTITY_ERROR_CODES.weakPassword]: 400,
  [IDENTITY_ERROR_CODES.invalidEmail]: 400,
  [IDENTITY_ERROR_CODES.noSession]: 401,
  [IDENTITY_ERROR_CODES.csrfMismatch]: 403,
  [IDENTITY_ERROR_CODES.invalidRefreshToken]: 401,
  [IDENTITY_ERROR_CODES.workspaceNotFound]: 404,
  [IDENTITY_ERROR_CODES.noWorkspace]: 409,
  [IDENTITY_ERROR_CODES.workspaceSwitchConflict]: 409,
  [IDENTITY_ERROR_CODES.accountNotFound]: 404,
};
