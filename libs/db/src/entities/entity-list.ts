import { Account } from './account.entity';
import { AuditLog } from './audit-log.entity';
import { ConsoleRefreshToken } from './console-refresh-token.entity';
import { OAuthAccessToken } from './oauth-access-token.entity';
import { Tenant } from './tenant.entity';
import { TenantAccountJoin } from './tenant-account-join.entity';

/** Every entity, listed explicitly: the data source never scans the file system. */
export const ENTITIES = [
  Account,
  AuditLog,
  ConsoleRefreshToken,
  OAuthAccessToken,
  Tenant,
  TenantAccountJoin,
] as const;
