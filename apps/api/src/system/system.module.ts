import { type DynamicModule, Module } from '@nestjs/common';
import { LicensingModule } from '@dify/licensing';
import { SystemFeaturesController } from './system-features.controller';
import { SYSTEM_SETTINGS, type SystemSettings } from './system.settings';

/** `/console/api/system-features`. Needs the global RedisModule for the licence status. */
@Module({})
export class SystemModule {
  static forRoot(settings: SystemSettings): DynamicModule {
    return {
      module: SystemModule,
      imports: [LicensingModule.forRoot(settings.license)],
      controllers: [SystemFeaturesController],
      providers: [{ provide: SYSTEM_SETTINGS, useValue: Object.freeze({ ...settings }) }],
    };
  }
}
