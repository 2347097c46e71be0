import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import { QueueBase, Worker } from 'bullmq';
import { type ReadyEvents, watchRedisConnection } from '../redis/redis-connection-watch';

/**
 * Every BullMQ queue and worker of the process gets a connection watch: BullMQ re-emits its
 * clients' errors on the queue or worker, and an emitter without an `error` listener ends up
 * printing stacks outside the JSON logs.
 */
@Injectable()
export class QueueConnectionWatch implements OnApplicationBootstrap {
  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    const watched = new Set<QueueBase>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof QueueBase) watched.add(instance);
      else if (instance instanceof WorkerHost) watched.add(instance.worker as QueueBase);
    }
    for (const emitter of watched) {
      if (emitter instanceof Worker) {
        // A worker announces `ready` each time its blocking connection is back.
        watchRedisConnection(emitter, `worker:${emitter.name}`);
      } else {
        // A queue does not re-emit `ready`; its connection object does (a BullMQ internal).
        const connection = (emitter as unknown as { connection: ReadyEvents }).connection;
        watchRedisConnection(emitter, `queue:${emitter.name}`, connection);
      }
    }
  }
}
