import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@dify/platform';
import { SCHEDULES } from '@dify/queue-contracts';
import { BEAT_CONFIG } from './beat-config.token';
import type { BeatConfig } from './beat.env';
import { ScheduleApplier } from './schedule-applier.service';

/** Beat owns every schedule and nothing else; it needs Redis only, so only Redis gates readiness. */
@Module({})
export class BeatModule {
  static forRoot(config: BeatConfig): DynamicModule {
    const queues = [...new Set(SCHEDULES.map((entry) => entry.queue))];
    return {
      module: BeatModule,
      imports: [
        PlatformModule.forRoot({
          service: 'beat',
          logLevel: config.LOG_LEVEL,
          redis: { url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX },
          healthOnMainPort: false,
        }),
        ...queues.map((queue) => BullModule.registerQueue({ name: queue })),
      ],
      providers: [{ provide: BEAT_CONFIG, useValue: config }, ScheduleApplier],
    };
  }
}
