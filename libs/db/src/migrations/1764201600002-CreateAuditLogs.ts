import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditLogs1764201600002 implements MigrationInterface {
  name = 'CreateAuditLogs1764201600002';

  async up(queryRunner: QueryRunner): Promise<void> {
    // No foreign keys: the audit trail must outlive the accounts it mentions.
    await queryRunner.query(`
      CREATE TABLE audit_logs (
        id uuid PRIMARY KEY,
        event varchar(64) NOT NULL,
        occurred_at timestamptz NOT NULL,
        service varchar(32) NOT NULL,
        subject_type varchar(32),
        subject_email varchar(255),
        subject_issuer varchar(255),
        account_id uuid,
        actor_account_id uuid,
        ip varchar(64),
        request_id varchar(128),
        payload jsonb NOT NULL DEFAULT '{}'::jsonb,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX idx_audit_logs_occurred_at ON audit_logs (occurred_at)`);
    await queryRunner.query(
      `CREATE INDEX idx_audit_logs_account ON audit_logs (account_id, occurred_at)
         WHERE account_id IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX idx_audit_logs_event ON audit_logs (event, occurred_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_logs`);
  }
}
