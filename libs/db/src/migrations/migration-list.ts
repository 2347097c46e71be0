import { CreateAccountsAndWorkspaces1764201600000 } from './1764201600000-CreateAccountsAndWorkspaces';
import { CreateOAuthAccessTokens1764201600001 } from './1764201600001-CreateOAuthAccessTokens';
import { CreateAuditLogs1764201600002 } from './1764201600002-CreateAuditLogs';
import { CreateConsoleRefreshTokens1764201600003 } from './1764201600003-CreateConsoleRefreshTokens';

/** Every migration, in order. Listed explicitly so bundles never depend on a file glob. */
export const MIGRATIONS = [
  CreateAccountsAndWorkspaces1764201600000,
  CreateOAuthAccessTokens1764201600001,
  CreateAuditLogs1764201600002,
  CreateConsoleRefreshTokens1764201600003,
] as const;
