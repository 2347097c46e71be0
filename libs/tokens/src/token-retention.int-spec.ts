import { randomBytes, randomUUID } from 'node:crypto';
import { dataSourceOptions, OAuthAccessTokenRepository } from '@dify/db';
import { testEnvironment } from '@dify/testing';
import { DataSource } from 'typeorm';
import { TokenRetentionService } from './token-retention.service';

const DAY_MS = 86_400_000;

describe('TokenRetentionService', () => {
  let dataSource: DataSource;
  let service: TokenRetentionService;

  beforeAll(async () => {
    dataSource = new DataSource(
      dataSourceOptions({
        url: testEnvironment().databaseUrl,
        poolMax: 2,
        applicationName: 'test',
      }),
    );
    await dataSource.initialize();
    service = new TokenRetentionService(new OAuthAccessTokenRepository(dataSource));
  });

  afterAll(() => dataSource.destroy());

  async function token(email: string, expiresAt: Date, revokedAt: Date | null): Promise<string> {
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO oauth_access_tokens
         (id, subject_email, subject_issuer, client_id, device_label, prefix, token_hash, expires_at, revoked_at)
       VALUES ($1, $2, 'dify:account', 'difyctl', $6, 'dfoa_', $3, $4, $5)`,
      [id, email, revokedAt ? null : randomBytes(32).toString('hex'), expiresAt, revokedAt, id],
    );
    return id;
  }

  it('deletes only rows revoked or expired before the retention cutoff', async () => {
    const now = new Date();
    const email = `${randomUUID()}@example.com`;
    const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const later = new Date(now.getTime() + DAY_MS);
    const kept = [
      await token(email, later, null),
      await token(email, later, ago(5)),
      await token(email, ago(5), null),
    ];
    await token(email, later, ago(31));
    await token(email, ago(31), null);

    const result = await service.purge(now, 30);

    expect(result.deleted).toBe(2);
    const remaining: { id: string }[] = await dataSource.query(
      `SELECT id FROM oauth_access_tokens WHERE subject_email = $1 ORDER BY id`,
      [email],
    );
    expect(remaining.map((row) => row.id).sort()).toEqual([...kept].sort());
    await service.purge(now, 30);
    const again: { n: number }[] = await dataSource.query(
      `SELECT count(*)::int AS n FROM oauth_access_tokens WHERE subject_email = $1`,
      [email],
    );
    expect(again[0].n).toBe(kept.length);
  });
});
