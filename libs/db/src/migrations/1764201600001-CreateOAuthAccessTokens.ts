import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The device-flow token store, column for column and index for index as in
 * docs/tokens.md, "The oauth_access_tokens table".
 */
export class CreateOAuthAccessTokens1764201600001 implements MigrationInterface {
  name = 'CreateOAuthAccessTokens1764201600001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE oauth_access_tokens (
        id uuid PRIMARY KEY,
        subject_email varchar(255) NOT NULL,
        subject_issuer varchar(255) NOT NULL,
        account_id uuid
          CONSTRAINT fk_oauth_access_tokens_account_id REFERENCES accounts (id) ON DELETE SET NULL,
        client_id varchar(64) NOT NULL,
        device_label varchar(255) NOT NULL,
        prefix varchar(8) NOT NULL,
        token_hash char(64),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        CONSTRAINT ck_oauth_prefix CHECK (prefix IN ('dfoa_', 'dfoe_')),
        CONSTRAINT ck_oauth_live_has_hash CHECK ((revoked_at IS NULL) = (token_hash IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_oauth_token_hash ON oauth_access_tokens (token_hash)`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_oauth_subject_email ON oauth_access_tokens (subject_email)
         WHERE revoked_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_oauth_account ON oauth_access_tokens (account_id)
         WHERE revoked_at IS NULL AND account_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_oauth_client ON oauth_access_tokens (subject_email, client_id)
         WHERE revoked_at IS NULL`,
    );
    // At most one live token per device identity; rotate-in-place uses it as its conflict target.
    // subject_issuer is NOT NULL so NULLs cannot slip two live rows past it.
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_oauth_active_per_device
         ON oauth_access_tokens (subject_email, subject_issuer, client_id, device_label)
         WHERE revoked_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_oauth_revoked_at ON oauth_access_tokens (revoked_at)
         WHERE revoked_at IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_oauth_expires_live ON oauth_access_tokens (expires_at)
         WHERE revoked_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE oauth_access_tokens`);
  }
}
