import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAccountsAndWorkspaces1764201600000 implements MigrationInterface {
  name = 'CreateAccountsAndWorkspaces1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY,
        email varchar(255) NOT NULL,
        name varchar(255) NOT NULL,
        password_hash varchar(255),
        status varchar(16) NOT NULL DEFAULT 'active',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_accounts_status CHECK (status IN ('active', 'banned', 'closed'))
      )`);
    // Emails are stored lower-cased, but the index on lower() makes uniqueness hold even if a
    // writer forgets.
    await queryRunner.query(`CREATE UNIQUE INDEX uq_accounts_email ON accounts (lower(email))`);

    await queryRunner.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY,
        name varchar(255) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE tenant_account_joins (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL
          CONSTRAINT fk_tenant_account_joins_tenant_id REFERENCES tenants (id) ON DELETE CASCADE,
        account_id uuid NOT NULL
          CONSTRAINT fk_tenant_account_joins_account_id REFERENCES accounts (id) ON DELETE CASCADE,
        role varchar(16) NOT NULL,
        current boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_tenant_account_joins_pair UNIQUE (tenant_id, account_id),
        CONSTRAINT ck_tenant_account_joins_role CHECK (role IN ('owner', 'admin', 'editor', 'normal'))
      )`);
    await queryRunner.query(
      `CREATE INDEX idx_tenant_account_joins_account ON tenant_account_joins (account_id)`,
    );
    // One current workspace per account, enforced by the database rather than by convention.
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_tenant_account_joins_current
         ON tenant_account_joins (account_id) WHERE current`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE tenant_account_joins`);
    await queryRunner.query(`DROP TABLE tenants`);
    await queryRunner.query(`DROP TABLE accounts`);
  }
}
