import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { RateLimitModule } from '@dify/platform';
import { QUEUES } from '@dify/queue-contracts';
import {
  DEVICE_FLOW_CLOCK,
  DEVICE_FLOW_SETTINGS,
  type DeviceFlowClock,
  type DeviceFlowSettings,
} from './device-flow.settings';
import { DeviceAuthorizationService } from './services/device-authorization.service';
import { DeviceDecisionService } from './services/device-decision.service';
import { DeviceLookupService } from './services/device-lookup.service';
import { DeviceTokenService } from './services/device-token.service';
import { DeviceFlowStore } from './store/device-flow.store';

const SERVICES = [
  DeviceAuthorizationService,
  DeviceDecisionService,
  DeviceLookupService,
  DeviceTokenService,
];

/** What the importing app hands the module besides its settings. */
export interface DeviceFlowModuleOptions {
  /**
   * Modules whose exports the services need and that are not global: in practice the app's own
   * `TokenIssuanceModule.forRoot(...)` object, passed by reference so the app and this module share
   * one TokenIssuer (Nest identifies dynamic modules by reference).
   */
  readonly imports?: ModuleMetadata['imports'];
}

/**
 * The device flow's application services: DeviceAuthorizationService, DeviceTokenService,
 * DeviceLookupService, DeviceDecisionService (and the DeviceFlowStore under them).
 *
 * The importing app supplies: the global RedisModule (the shared client with the key prefix, which
 * the store and the RateLimiter use); BullMQ's root connection (PlatformModule's BullModule.forRoot), which the `mail`
 * producer registered here uses; an AuditSink provider from a global module; and TokenIssuer,
 * either from a global module or through `options.imports`.
 */
@Module({})
export class DeviceFlowModule {
  static forRoot(
    settings: DeviceFlowSettings,
    options: DeviceFlowModuleOptions = {},
  ): DynamicModule {
    const systemClock: DeviceFlowClock = () => new Date();
    return {
      module: DeviceFlowModule,
      imports: [
        ...(options.imports ?? []),
        BullModule.registerQueue({ name: QUEUES.mail }),
        RateLimitModule,
      ],
      providers: [
        {
          provide: DEVICE_FLOW_SETTINGS,
          useValue: Object.freeze({
            ...settings,
            knownClientIds: Object.freeze([...settings.knownClientIds]),
          }),
        },
        { provide: DEVICE_FLOW_CLOCK, useValue: systemClock },
        DeviceFlowStore,
        ...SERVICES,
      ],
      exports: [DeviceFlowStore, ...SERVICES],
    };
  }
}
