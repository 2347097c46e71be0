import { Inject, Injectable } from '@nestjs/common';
import { evaluateLicense } from './license-evaluator';
import type { LicenseSettings } from './licensing.env';
import { LICENSE_SETTINGS } from './licensing.tokens';
import { LicenseStatusStore, type StoredLicenseStatus } from './license-status.store';

/** The `license.refresh` job: evaluates the configured licence and shares the result. */
@Injectable()
export class LicenseRefreshService {
  constructor(
    @Inject(LICENSE_SETTINGS) private readonly settings: LicenseSettings,
    private readonly store: LicenseStatusStore,
  ) {}

  async refresh(now: Date = new Date()): Promise<StoredLicenseStatus> {
    const evaluation = evaluateLicense({
      licenseKey: this.settings.licenseKey,
      publicKeyPem: this.settings.publicKeyPem,
      now,
      expiringDays: this.settings.expiringDays,
    });
    const stored = {
      status: evaluation.status,
      expiresAt: evaluation.expiresAt,
      evaluatedAt: now.toISOString(),
    };
    await this.store.write(stored);
    return stored;
  }
}
