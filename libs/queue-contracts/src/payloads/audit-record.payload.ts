import {
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';

/** Services that produce audit events; `accounts` is the operator's command. Wire values. */
export const AUDIT_SERVICES = ['api', 'auth', 'worker', 'beat', 'accounts'] as const;
export type AuditService = (typeof AUDIT_SERVICES)[number];

/**
 * One audit event on its way to `audit_logs`. The event id doubles as the job id, so enqueueing
 * the same event twice, or a redelivery, writes one row. Never carries a token, code or secret.
 */
export class AuditRecordPayload {
  @IsUUID()
  eventId!: string;

  @Matches(/^[a-z][a-z_]*\.[a-z][a-z_.]*$/)
  @MaxLength(64)
  event!: string;

  @IsISO8601({ strict: true })
  occurredAt!: string;

  @IsIn(AUDIT_SERVICES)
  service!: AuditService;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  requestId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  subjectType?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  subjectEmail?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  subjectIssuer?: string;

  @IsOptional()
  @IsUUID()
  accountId?: string;

  @IsOptional()
  @IsUUID()
  actorAccountId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  ip?: string;

  /** Event-specific fields (docs/audit.md, "Events"). */
  @IsObject()
  payload!: Record<string, unknown>;
}
