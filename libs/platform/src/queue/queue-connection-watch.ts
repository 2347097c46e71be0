import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import { QueueBase, Worker } from 'bullmq';
import { isDependencyOutage } from '../errors/dependency-outage';
import {
  type ErrorEvents,
  type ReadyEvents,
  watchRedisConnection,
} from '../redis/redis-connection-watch';

type WatchableConnection = ErrorEvents &
  ReadyEvents & {
    emit(event: string | symbol, ...args: unknown[]): boolean;
    listenerCount(event: string | symbol): number;
  };

// BullMQ internals: the connection objects behind a queue or worker, each re-emitting its
// client's `error` and `ready`. A worker has two (commands, and blocking reads).
interface BullConnections {
  readonly connection: WatchableConnection;
  readonly blockingConnection?: WatchableConnection;
}

const logger = new Logger('Queue');

/**
 * Every BullMQ queue and worker of the process gets a watch on each of its connections: BullMQ
 * re-emits their errors on the queue or worker, and an emitter without an `error` listener ends
 * up printing stacks outside the JSON logs. Connection errors are logged once per state change
 * by the watch; anything else a queue or worker reports is logged as it comes.
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
    // Two modules registering one queue hold two instances of it; one log line per outage
    // and queue is enough.
    const labels = new Set<string>();
    for (const emitter of watched) {
      const connections = emitter as unknown as BullConnections;
      toleratesLateErrors(connections.connection);
      if (connections.blockingConnection) toleratesLateErrors(connections.blockingConnection);
      const label = `${emitter instanceof Worker ? 'worker' : 'queue'}:${emitter.name}`;
      if (!labels.has(label)) {
        labels.add(label);
        watchRedisConnection(connections.connection, label);
        if (connections.blockingConnection) {
          watchRedisConnection(connections.blockingConnection, `${label}:blocking`);
        }
      }
      emitter.on('error', (error: Error) => {
        if (isDependencyOutage(error)) return;
        logger.warn(
          { queue: emitter.name, error: { name: error.name, message: error.message } },
          'queue error',
        );
      });
    }
  }
}

/**
 * A BullMQ connection closed before Redis ever answered drops all its listeners, then reports
 * the failed first connection as an `error` event: with no listener left, that is thrown as an
 * unhandled rejection during shutdown. The connection is closed by then, so the error is moot.
 */
function toleratesLateErrors(connection: WatchableConnection): void {
  const emit = connection.emit.bind(connection);
  connection.emit = (event: string | symbol, ...args: unknown[]): boolean =>
    event === 'error' && connection.listenerCount('error') === 0 ? false : emit(event, ...args);
}
