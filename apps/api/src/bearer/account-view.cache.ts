import { Global, Injectable, Module } from '@nestjs/common';
import { BEARER_CACHE_SECONDS } from '@dify/tokens';
import type { AccountResponse } from './account.response';

export type AccountView = Omit<AccountResponse, 'subject_email'>;

// As long as a cached bearer entry lives: a caller already sees token state up to this old, and
// a CLI (or a script) calling `whoami` in a loop then costs no database work at all.
const TTL_MS = BEARER_CACHE_SECONDS.positive * 1_000;
const MAX_ACCOUNTS = 10_000;

interface Entry {
  readonly view: Promise<AccountView>;
  readonly expiresAt: number;
}

/**
 * The account part of `GET /openapi/v1/account`, per account, in this process. Concurrent misses
 * share one load. A workspace switch made through this gateway evicts the entry at once; changes
 * made elsewhere are seen within the TTL.
 */
@Injectable()
export class AccountViewCache {
  private readonly entries = new Map<string, Entry>();

  view(
    accountId: string,
    load: () => Promise<AccountView>,
    now = Date.now(),
  ): Promise<AccountView> {
    const entry = this.entries.get(accountId);
    if (entry && entry.expiresAt > now) return entry.view;
    if (this.entries.size >= MAX_ACCOUNTS) {
      // Map keeps insertion order, so the first key is the oldest entry.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    const view = load();
    this.entries.set(accountId, { view, expiresAt: now + TTL_MS });
    // A failed load is not cached: the next call tries again.
    view.catch(() => {
      if (this.entries.get(accountId)?.view === view) this.entries.delete(accountId);
    });
    return view;
  }

  evict(accountId: string): void {
    this.entries.delete(accountId);
  }
}

/** Global so the console's workspace switch can evict too. */
@Global()
@Module({ providers: [AccountViewCache], exports: [AccountViewCache] })
export class AccountViewModule {}
