import { IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** Tells an account that a new device signed in. Ids only: the worker loads the address. */
export class MailNewDeviceSigninPayload {
  @IsUUID()
  accountId!: string;

  @IsUUID()
  tokenId!: string;

  @IsString()
  @MaxLength(64)
  transitionId!: string;

  @IsString()
  @MaxLength(64)
  clientId!: string;

  @IsString()
  @MaxLength(255)
  deviceLabel!: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  ip?: string;

  @IsISO8601({ strict: true })
  approvedAt!: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  requestId?: string;
}
