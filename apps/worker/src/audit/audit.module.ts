import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { AuditSink } from '@dify/domain';
import { AuditTrail, QUEUES } from '@dify/queue-contracts';
import type { Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';

/** Binds the libraries' AuditSink to the `audit` queue, for the worker's own events (token expiry and revocation). */
@Global()
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.audit })],
  providers: [
    {
      provide: AuditSink,
      useFactory: (queue: Queue, logger: PinoLogger) => new AuditTrail(queue, 'worker', logger),
      inject: [getQueueToken(QUEUES.audit), PinoLogger],
    },
  ],
  exports: [AuditSink],
})
export class AuditModule {}
