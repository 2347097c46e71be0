import { bullPrefix, redisOptionsFromUrl } from '@dify/platform';
import { Queue } from 'bullmq';
import { testEnvironment } from './test-env';

/** A real BullMQ queue of this test run, under the run's key prefix, as the services see it. */
export function openTestQueue(name: string): Queue {
  const { redisUrl, keyPrefix } = testEnvironment();
  return new Queue(name, {
    connection: redisOptionsFromUrl(redisUrl),
    prefix: bullPrefix(keyPrefix),
  });
}
