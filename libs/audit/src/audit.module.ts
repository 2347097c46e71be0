import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { type AuditService, QUEUES } from '@dify/queue-contracts';
import type { Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { AuditSink } from './audit-sink';
import { AuditTrail } from './audit-trail';

/**
 * The producer side of audit: binds the libraries' AuditSink, globally, to the `audit` queue as
 * the named service. Every process that records events imports it once at its root; the
 * service name is what tells their rows apart.
 */
@Module({})
export class AuditModule {
  static forService(service: AuditService): DynamicModule {
    return {
      module: AuditModule,
      global: true,
      imports: [BullModule.registerQueue({ name: QUEUES.audit })],
      providers: [
        {
          provide: AuditSink,
          useFactory: (queue: Queue, logger: PinoLogger) => new AuditTrail(queue, service, logger),
          inject: [getQueueToken(QUEUES.audit), PinoLogger],
        },
      ],
      exports: [AuditSink],
    };
  }
}
