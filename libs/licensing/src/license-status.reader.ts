import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { allowsBearerApi, allowsEnterpriseFeatures, LicenseStatus } from '@dify/domain';
import { LICENSE_CLOCK, type LicenseClock } from './license-clock';
import { editionOf, type LicenseEdition } from './license-edition';
import { evaluateLicense } from './license-evaluator';
import { LicenseStatusStore } from './license-status.store';
import type { LicenseSettings } from './licensing.env';
import { LICENSE_SETTINGS } from './licensing.tokens';

/**
 * What a reader reports for a stored value outside the six statuses. It is deliberately not one
 * of them: both gates are allowlists (docs/licensing.md, "Gates"), so it is denied everywhere, and
 * nothing ever rounds it to a status that some gate allows.
 */
export const UNKNOWN_LICENSE_STATUS = 'unknown';

/**
 * The six statuses of docs/licensing.md, "Statuses", or `unknown` for a shared value that is none
 * of them.
 */
export type ObservedLicenseStatus = LicenseStatus | typeof UNKNOWN_LICENSE_STATUS;

/**
 * How long one reading is reused before Redis is asked again
 * (docs/licensing.md, "Shared status and caching").
 */
export const LICENSE_STATUS_CACHE_MS = 10_000;

interface CachedReading {
  readonly status: ObservedLicenseStatus;
  readonly until: number;
}

/**
 * The licence status as request paths see it: the value the worker shares in `license:status`,
 * through a 10 s in-memory cache, evaluated locally from the configured key while that value is
 * absent. When the status cannot be determined (Redis unreachable, evaluation broke) the answer
 * is `lost`, which no gate allows: an outage never unlocks anything.
 */
@Injectable()
export class LicenseStatusReader {
  private readonly logger = new Logger(LicenseStatusReader.name);
  private readonly clock: LicenseClock;
  private cached: CachedReading | null = null;
  // Concurrent requests on a cold cache share one Redis read instead of stampeding.
  private pending: Promise<ObservedLicenseStatus> | null = null;

  constructor(
    @Inject(LICENSE_SETTINGS) private readonly settings: LicenseSettings,
    private readonly store: LicenseStatusStore,
    @Optional() @Inject(LICENSE_CLOCK) clock?: LicenseClock,
  ) {
    this.clock = clock ?? (() => new Date());
  }

  /** The current status; never throws. */
  current(): Promise<ObservedLicenseStatus> {
    const cached = this.cached;
    if (cached && this.clock().getTime() < cached.until) return Promise.resolve(cached.status);
    if (!this.pending) {
      this.pending = this.load().finally(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  /**
   * The bearer API gate (docs/bearer-api.md, "Route requirements"): `none`, `active` or `expiring`.
   */
  async allowsBearerApi(): Promise<boolean> {
    return allowsBearerApi(await this.current());
  }

  /** The enterprise gate (the SSO branch): `active` or `expiring`. */
  async allowsEnterpriseFeatures(): Promise<boolean> {
    return allowsEnterpriseFeatures(await this.current());
  }

  /**
   * `enterprise` when a licence key is configured, else `community`
   * (docs/licensing.md, "Editions").
   */
  edition(): LicenseEdition {
    return editionOf(this.settings.licenseKey);
  }

  private async load(): Promise<ObservedLicenseStatus> {
    const status = await this.read();
    this.cached = { status, until: this.clock().getTime() + LICENSE_STATUS_CACHE_MS };
    return status;
  }

  private async read(): Promise<ObservedLicenseStatus> {
    let stored: Awaited<ReturnType<LicenseStatusStore['read']>>;
    try {
      stored = await this.store.read();
    } catch (error) {
      this.logger.warn({ err: error }, 'licence status unreadable; treating it as lost');
      return LicenseStatus.lost;
    }
    if (stored === null) return this.evaluateLocally();
    if (stored.status === null) {
      // Not echoed to the log verbatim: whatever sits in that key is not ours to trust.
      this.logger.warn('shared licence status is not one of the known values; denying');
      return UNKNOWN_LICENSE_STATUS;
    }
    return stored.status;
  }

  /** The worker has not shared a status yet (or stopped refreshing it): judge the key here. */
  private evaluateLocally(): ObservedLicenseStatus {
    try {
      return evaluateLicense({
        licenseKey: this.settings.licenseKey,
        publicKeyPem: this.settings.publicKeyPem,
        now: this.clock(),
        expiringDays: this.settings.expiringDays,
      }).status;
    } catch (error) {
      this.logger.error({ err: error }, 'local licence evaluation failed; treating it as lost');
      return LicenseStatus.lost;
    }
  }
}
