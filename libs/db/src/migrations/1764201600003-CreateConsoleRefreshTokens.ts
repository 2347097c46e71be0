import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Console refresh tokens, stored hashed. All tokens of one sign-in share a session id (the JWT
 * `sid`); rotation marks the used token, so presenting it again reveals a stolen copy and the
 * whole session is revoked.
 */
export class CreateConsoleRefreshTokens1764201600003 implements MigrationInterface {
  name = 'CreateConsoleRefreshTokens1764201600003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE console_refresh_tokens (
        id uuid PRIMARY KEY,
        session_id uuid NOT NULL,
        account_id uuid NOT NULL
          CONSTRAINT fk_console_refresh_tokens_account_id REFERENCES accounts (id) ON DELETE CASCADE,
        token_hash char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT uq_console_refresh_tokens_hash UNIQUE (token_hash)
      )`);
    await queryRunner.query(
      `CREATE INDEX idx_console_refresh_tokens_session ON console_refresh_tokens (session_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_console_refresh_tokens_account ON console_refresh_tokens (account_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_console_refresh_tokens_expires ON console_refresh_tokens (expires_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE console_refresh_tokens`);
  }
}
