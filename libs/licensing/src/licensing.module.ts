import { type DynamicModule, Module } from '@nestjs/common';
import { EnterpriseFeatureGuard } from './enterprise-feature.guard';
import type { LicenseSettings } from './licensing.env';
import { LICENSE_SETTINGS } from './licensing.tokens';
import { LicenseRefreshService } from './license-refresh.service';
import { LicenseStatusReader } from './license-status.reader';
import { LicenseStatusStore } from './license-status.store';

/** Licence evaluation and the shared status. Needs the global RedisModule. */
@Module({})
export class LicensingModule {
  static forRoot(settings: LicenseSettings): DynamicModule {
    return {
      module: LicensingModule,
      providers: [
        { provide: LICENSE_SETTINGS, useValue: Object.freeze({ ...settings }) },
        EnterpriseFeatureGuard,
        LicenseRefreshService,
        LicenseStatusReader,
        LicenseStatusStore,
      ],
      exports: [
        EnterpriseFeatureGuard,
        LicenseRefreshService,
        LicenseStatusReader,
        LicenseStatusStore,
      ],
    };
  }
}
