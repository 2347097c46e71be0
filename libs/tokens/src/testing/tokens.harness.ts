import { randomUUID } from 'node:crypto';
import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AuditSink } from '@dify/audit';
import { DbModule } from '@dify/db';
import { generateUuidV7 } from '@dify/domain';
import { bullRootOptions, REDIS, RedisModule } from '@dify/platform';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import type { TokenIssuanceSettings } from '../issuing/token-issuance.env';
import { TokenIssuanceModule } from '../issuing/token-issuance.module';
import { BearerResolutionModule } from '../resolution/bearer-resolution.module';
import { TokenMaintenanceModule } from '../token-maintenance.module';
import { RecordingAuditSink } from './recording-audit.sink';

/**
 * Where the integration suite runs. Passed in by the specs (from `@dify/testing`), because this
 * library may not import the test harness outside its spec files.
 */
export interface HarnessEnvironment {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** A key prefix no other test touches. */
  readonly keyPrefix: string;
}

/** A stored token row as tests inspect it. */
export interface StoredToken {
  readonly id: string;
  readonly subject_email: string;
  readonly subject_issuer: string;
  readonly account_id: string | null;
  readonly client_id: string;
  readonly device_label: string;
  readonly prefix: string;
  readonly token_hash: string | null;
  readonly created_at: Date;
  readonly last_used_at: Date | null;
  readonly expires_at: Date;
  readonly revoked_at: Date | null;
}

/**
 * The tokens library's modules as the apps wire them (issuance, resolution and maintenance
 * together), on the real DbModule and RedisModule (real Postgres, real Redis, real BullMQ), with
 * only the audit port replaced by a recorder.
 */
export class TokensHarness {
  private constructor(
    readonly module: TestingModule,
    readonly audit: RecordingAuditSink,
  ) {}

  static async start(
    environment: HarnessEnvironment,
    settings: TokenIssuanceSettings = { ttlDays: 14 },
  ): Promise<TokensHarness> {
    const audit = new RecordingAuditSink();
    const redis = { url: environment.redisUrl, keyPrefix: environment.keyPrefix };
    const auditModule: DynamicModule = {
      module: class RecordingAuditModule {},
      global: true,
      providers: [{ provide: AuditSink, useValue: audit }],
      exports: [AuditSink],
    };
    const module = await Test.createTestingModule({
      imports: [
        DbModule.forRoot({
          url: environment.databaseUrl,
          poolMax: 20,
          applicationName: 'tokens-test',
        }),
        RedisModule.forRoot(redis),
        BullModule.forRoot(bullRootOptions(redis)),
        auditModule,
        TokenIssuanceModule.forRoot(settings),
        BearerResolutionModule,
        TokenMaintenanceModule,
      ],
    }).compile();
    // Expected failures log errors by design; specs that care spy on the Logger instead.
    module.useLogger(false);
    await module.init();
    return new TokensHarness(module, audit);
  }

  get<T>(type: Type<T>): T {
    return this.module.get(type);
  }

  get dataSource(): DataSource {
    return this.module.get(DataSource);
  }

  /** The module's own Redis client: same key prefix as the code under test. */
  get redis(): Redis {
    return this.module.get<Redis>(REDIS);
  }

  close(): Promise<void> {
    return this.module.close();
  }

  /** A unique lower-case email, so tests sharing the run's database never collide. */
  uniqueEmail(label: string): string {
    return `${label}-${randomUUID()}@example.com`;
  }

  async createAccount(status: 'active' | 'banned' | 'closed' = 'active'): Promise<string> {
    const id = generateUuidV7();
    await this.dataSource.query(
      `INSERT INTO accounts (id, email, name, status) VALUES ($1, $2, 'Test', $3)`,
      [id, this.uniqueEmail('account'), status],
    );
    return id;
  }

  async row(id: string): Promise<StoredToken | undefined> {
    const rows: StoredToken[] = await this.dataSource.query(
      `SELECT * FROM oauth_access_tokens WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async rowsOf(email: string): Promise<StoredToken[]> {
    const rows: StoredToken[] = await this.dataSource.query(
      `SELECT * FROM oauth_access_tokens WHERE subject_email = $1 ORDER BY created_at`,
      [email],
    );
    return rows;
  }
}
