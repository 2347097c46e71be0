import { type DynamicModule, Module } from '@nestjs/common';
import type { LicenseSettings } from './licensing.env';
import { LICENSE_SETTINGS } from './licensing.tokens';
import { LicenseRefreshService } from './license-refresh.service';
import { LicenseStatusStore } from './license-status.store';

/** Licence evaluation and the shared status. Needs the global RedisModule. */
@Module({})
export class LicensingModule {
  static forRoot(settings: LicenseSettings): DynamicModule {
    return {
      module: LicensingModule,
      providers: [
        { provide: LICENSE_SETTINGS, useValue: Object.freeze({ ...settings }) },
        LicenseRefreshService,
        LicenseStatusStore,
      ],
      exports: [LicenseRefreshService, LicenseStatusStore],
    };
  }
}
