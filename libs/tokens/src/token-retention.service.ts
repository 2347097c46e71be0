import { Injectable } from '@nestjs/common';
import { OAuthAccessTokenRepository } from '@dify/db';

const DAY_MS = 24 * 60 * 60 * 1000;
// Small batches keep each DELETE's locks and WAL short while the API keeps writing.
const PURGE_BATCH_SIZE = 500;

export interface PurgeResult {
  readonly cutoff: string;
  readonly deleted: number;
}

/** The `tokens.purge-retention` job: forgets tokens revoked or expired longer ago than retention. */
@Injectable()
export class TokenRetentionService {
  constructor(private readonly tokens: OAuthAccessTokenRepository) {}

  async purge(now: Date, retentionDays: number): Promise<PurgeResult> {
    const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
    let deleted = 0;
    for (;;) {
      const batch = await this.tokens.deleteRetiredBefore(cutoff, PURGE_BATCH_SIZE);
      deleted += batch;
      if (batch < PURGE_BATCH_SIZE) break;
    }
    return { cutoff: cutoff.toISOString(), deleted };
  }
}
