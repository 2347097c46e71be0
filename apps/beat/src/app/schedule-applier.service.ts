import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { scheduledJob, SCHEDULES, type ScheduleEntry } from '@dify/queue-contracts';
import type { Queue } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { BEAT_CONFIG } from './beat-config.token';
import type { BeatConfig } from './beat.env';

export interface AppliedSchedule {
  readonly id: string;
  readonly action: 'upserted' | 'removed';
}

/**
 * Applies the schedule list with BullMQ job schedulers. Each entry is upserted under its fixed
 * id, so several beat replicas, or one beat restarted, converge on one scheduler per entry.
 */
@Injectable()
export class ScheduleApplier implements OnApplicationBootstrap {
  constructor(
    @Inject(BEAT_CONFIG) private readonly config: BeatConfig,
    private readonly moduleRef: ModuleRef,
    @InjectPinoLogger(ScheduleApplier.name) private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const applied = await this.apply();
    this.logger.info({ schedules: applied }, `applied ${applied.length} schedule(s)`);
  }

  async apply(): Promise<AppliedSchedule[]> {
    const applied: AppliedSchedule[] = [];
    for (const entry of SCHEDULES) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(entry.queue), { strict: false });
      if (this.isEnabled(entry)) {
        await queue.upsertJobScheduler(
          entry.id,
          entry.repeat.kind === 'cron'
            ? { pattern: entry.repeat.pattern, tz: entry.repeat.tz }
            : { every: entry.repeat.everyMs },
          scheduledJob(entry),
        );
        applied.push({ id: entry.id, action: 'upserted' });
      } else {
        await queue.removeJobScheduler(entry.id);
        applied.push({ id: entry.id, action: 'removed' });
      }
    }
    return applied;
  }

  private isEnabled(entry: ScheduleEntry): boolean {
    switch (entry.switch) {
      case undefined:
        return true;
      case 'tokenPurge':
        return this.config.ENABLE_CLEAN_OAUTH_ACCESS_TOKENS_TASK;
    }
  }
}
