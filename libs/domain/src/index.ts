export {
  DEVICE_CODE_PREFIX,
  generateDeviceCode,
  generateTransitionId,
  isDeviceCodeShaped,
} from './device-flow/device-code.rules';
export { DEVICE_FLOW, DEVICE_FLOW_LIMITS } from './device-flow/device-flow.constants';
export { deviceLabelFromUserAgent, parseDeviceLabel } from './device-flow/device-label.rules';
export type { ParsedDeviceLabel } from './device-flow/device-label.rules';
export {
  generateUserCode,
  isUserCode,
  normalizeUserCode,
  USER_CODE_ALPHABET,
} from './device-flow/user-code.rules';
export { DomainError } from './errors/domain.error';
export {
  CONSOLE_COOKIE_BASE_NAMES,
  CONSOLE_COOKIE_PREFIXES,
  CONSOLE_REFRESH_COOKIE_PATH,
  consoleCookieNameCandidates,
  consoleCookieNames,
} from './identity/console-cookie.rules';
export type {
  ConsoleCookie,
  ConsoleCookieDeployment,
  ConsoleCookieNames,
} from './identity/console-cookie.rules';
export { normalizeEmail } from './identity/email.rules';
export type { RandomBytesSource } from './ids/random-bytes.source';
export { generateUuidV7, UuidV7Generator } from './ids/uuid-v7.generator';
export { isUuid } from './ids/uuid.rules';
export {
  allowsBearerApi,
  allowsEnterpriseFeatures,
  LicenseStatus,
  parseLicenseStatus,
} from './licensing/license-status.rules';
export { enforceMintPolicy } from './tokens/mint.policy';
export type { MintPermit, MintRequest } from './tokens/mint.policy';
export { MintPolicyViolation, TOKEN_ERROR_CODE } from './tokens/mint-policy-violation.error';
export type { MintPolicyDifference } from './tokens/mint-policy-violation.error';
export {
  ACCOUNT_ISSUER,
  ACCOUNT_SCOPES,
  SCOPE,
  SSO_SCOPES,
  SUBJECT_TYPE,
  TOKEN_KINDS,
  TOKEN_PREFIX,
  TOKEN_TYPE,
} from './tokens/token.constants';
export type { Scope, SubjectType, TokenPrefix, TokenType } from './tokens/token.constants';
export {
  generateToken,
  hashToken,
  hasScope,
  isTokenShaped,
  tokenPrefixOf,
} from './tokens/token.rules';
export type { GeneratedToken } from './tokens/token.rules';
