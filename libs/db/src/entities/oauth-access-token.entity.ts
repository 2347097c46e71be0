import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A device-flow bearer token (docs/tokens.md, "The oauth_access_tokens table"). Only its SHA-256 is
 * stored. Rotation keeps the id and replaces hash and expiry; revocation clears the hash and sets
 * `revoked_at`.
 */
@Entity({ name: 'oauth_access_tokens' })
export class OAuthAccessToken {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'subject_email', type: 'varchar', length: 255 })
  subjectEmail!: string;

  @Column({ name: 'subject_issuer', type: 'varchar', length: 255 })
  subjectIssuer!: string;

  @Column({ name: 'account_id', type: 'uuid', nullable: true })
  accountId!: string | null;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ name: 'device_label', type: 'varchar', length: 255 })
  deviceLabel!: string;

  @Column({ type: 'varchar', length: 8 })
  prefix!: string;

  @Column({ name: 'token_hash', type: 'char', length: 64, nullable: true })
  tokenHash!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
