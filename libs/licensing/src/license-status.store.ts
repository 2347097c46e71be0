import { Inject, Injectable } from '@nestjs/common';
import { parseLicenseStatus, type LicenseStatus } from '@dify/domain';
import { REDIS } from '@dify/platform';
import type Redis from 'ioredis';

/** Redis key of the shared status; a wire name that every service reads. */
export const LICENSE_STATUS_KEY = 'license:status';
// Three refresh periods: a worker that stops refreshing lets readers fall back to local evaluation.
const LICENSE_STATUS_TTL_S = 180;

export interface StoredLicenseStatus {
  readonly status: LicenseStatus;
  readonly expiresAt: string | null;
  readonly evaluatedAt: string;
}

/** The licence status shared through Redis, written by `license.refresh`. */
@Injectable()
export class LicenseStatusStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async write(stored: StoredLicenseStatus): Promise<void> {
    const body = {
      status: stored.status,
      expires_at: stored.expiresAt,
      evaluated_at: stored.evaluatedAt,
    };
    await this.redis.set(LICENSE_STATUS_KEY, JSON.stringify(body), 'EX', LICENSE_STATUS_TTL_S);
  }

  /**
   * The stored status, `null` when absent. A stored value that cannot be parsed is reported as
   * an unknown status so the allowlist gates deny it rather than guess.
   */
  async read(): Promise<{ status: LicenseStatus | null; raw: unknown } | null> {
    const text = await this.redis.get(LICENSE_STATUS_KEY);
    if (text === null) return null;
    try {
      const parsed = JSON.parse(text) as { status?: unknown };
      return { status: parseLicenseStatus(parsed.status), raw: parsed.status };
    } catch {
      return { status: null, raw: text };
    }
  }
}
