import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AuditSink } from '@dify/audit';
import { generateUuidV7 } from '@dify/domain';
import {
  bullPrefix,
  bullRootOptions,
  REDIS,
  redisOptionsFromUrl,
  RedisModule,
} from '@dify/platform';
import { QUEUES } from '@dify/queue-contracts';
import { BearerResolutionModule, TokenIssuanceModule } from '@dify/tokens';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { DeviceFlowModule } from '../device-flow.module';
import type { DeviceFlowSettings } from '../device-flow.settings';
import type { DeviceApprover } from '../services/device-token.payload';
import { DeviceFlowStore } from '../store/device-flow.store';
import { RecordingAuditSink } from './recording-audit.sink';

/**
 * Where a spec runs, passed in by the spec: this file may not import the test harness or the data
 * library itself (module boundaries), so the spec hands over `DbModule.forRoot(...)` and the run's
 * Redis URL and a key prefix no other test touches.
 */
export interface DeviceFlowHarnessOptions {
  readonly database: DynamicModule;
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly settings?: Partial<DeviceFlowSettings>;
}

/** The settings the specs run with unless they say otherwise. */
export const HARNESS_SETTINGS: DeviceFlowSettings = Object.freeze({
  consoleWebUrl: 'https://console.example/',
  knownClientIds: ['difyctl', 'client-b'],
  deviceCodeRateLimitPerHour: 60,
  deviceLookupRateLimitPer5Min: 60,
  deviceLookupFailureBudgetPerHour: 1000,
  approveRateLimitPerHour: 10,
  enableOAuthBearer: true,
});

/**
 * The device-flow module as the auth app wires it, on the real DbModule, RedisModule, BullMQ and
 * TokenIssuanceModule (real Postgres, real Redis), with only the audit port replaced by a recorder.
 * The gateway's BearerResolutionModule rides along so that specs can check a collected token works.
 */
export class DeviceFlowHarness {
  private constructor(
    private readonly module: TestingModule,
    readonly audit: RecordingAuditSink,
    /** The `mail` queue as the worker sees it, under the harness's key prefix. */
    readonly mailQueue: Queue,
    readonly keyPrefix: string,
  ) {}

  static async start(options: DeviceFlowHarnessOptions): Promise<DeviceFlowHarness> {
    const audit = new RecordingAuditSink();
    const redis = { url: options.redisUrl, keyPrefix: options.keyPrefix };
    const auditModule: DynamicModule = {
      module: class RecordingAuditModule {},
      global: true,
      providers: [{ provide: AuditSink, useValue: audit }],
      exports: [AuditSink],
    };
    const tokenIssuance = TokenIssuanceModule.forRoot({ ttlDays: 14 });
    const module = await Test.createTestingModule({
      imports: [
        options.database,
        RedisModule.forRoot(redis),
        BullModule.forRoot(bullRootOptions(redis)),
        auditModule,
        tokenIssuance,
        BearerResolutionModule,
        DeviceFlowModule.forRoot(
          { ...HARNESS_SETTINGS, ...options.settings },
          { imports: [tokenIssuance] },
        ),
      ],
    }).compile();
    // Failure paths log on purpose; the assertions, not the console, say whether they worked.
    module.useLogger(false);
    await module.init();
    const mailQueue = new Queue(QUEUES.mail, {
      connection: redisOptionsFromUrl(options.redisUrl),
      prefix: bullPrefix(options.keyPrefix),
    });
    return new DeviceFlowHarness(module, audit, mailQueue, options.keyPrefix);
  }

  get<T>(type: Type<T>): T {
    return this.module.get(type);
  }

  get store(): DeviceFlowStore {
    return this.module.get(DeviceFlowStore);
  }

  get dataSource(): DataSource {
    return this.module.get(DataSource);
  }

  /** The module's own Redis client: the same key prefix as the code under test. */
  get redis(): Redis {
    return this.module.get<Redis>(REDIS);
  }

  /** Keys under the harness's prefix matching `pattern` (SCAN ignores ioredis' keyPrefix). */
  async keys(pattern: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        `${this.keyPrefix}${pattern}`,
        'COUNT',
        500,
      );
      cursor = next;
      found.push(...keys.map((key) => key.slice(this.keyPrefix.length)));
    } while (cursor !== '0');
    return found.sort();
  }

  /**
   * An active account with workspaces (oldest first, created a second apart), inserted with SQL
   * as the identity library would have left it, and the approver the HTTP layer would load.
   */
  async createApprover(
    label: string,
    workspaces: readonly { name: string; role: string; current: boolean }[] = [
      { name: 'Personal', role: 'owner', current: true },
    ],
  ): Promise<DeviceApprover> {
    const accountId = generateUuidV7();
    const email = `${label}-${accountId}@example.com`;
    await this.dataSource.query(
      `INSERT INTO accounts (id, email, name, status) VALUES ($1, $2, $3, 'active')`,
      [accountId, email, `User ${label}`],
    );
    const memberships: DeviceApprover['memberships'][number][] = [];
    for (const [index, workspace] of workspaces.entries()) {
      const id = generateUuidV7();
      const createdAt = new Date(Date.UTC(2024, 0, 1, 0, 0, index));
      await this.dataSource.query(
        `INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)`,
        [id, workspace.name, createdAt],
      );
      await this.dataSource.query(
        `INSERT INTO tenant_account_joins (id, tenant_id, account_id, role, current, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [generateUuidV7(), id, accountId, workspace.role, workspace.current, createdAt],
      );
      memberships.push({ id, ...workspace });
    }
    return { accountId, email, name: `User ${label}`, memberships };
  }

  async close(): Promise<void> {
    await this.mailQueue.close();
    await this.module.close();
  }
}
