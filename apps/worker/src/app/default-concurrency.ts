import type { QueueName } from '@dify/queue-contracts';

/**
 * How many jobs of a queue one worker process runs at once, unless WORKER_CONCURRENCY says
 * otherwise. A module of its own, free of the env machinery, so the bench can read the defaults
 * it holds its no-op consumer to (bench/README.md, "worker").
 */
export const DEFAULT_CONCURRENCY: Readonly<Record<QueueName, number>> = {
  // Each audit job waits until the INSERT holding its row has committed, and the rows of the jobs
  // running at once share that INSERT: the concurrency is the batch size, so one commit (a WAL
  // flush) is paid per up to 100 rows instead of per 10 (docs/audit.md, bench/README.md).
  audit: 100,
  mail: 2,
  // Each touch job waits for its batch to be written, so throughput is bounded by concurrency.
  'token-usage': 100,
  maintenance: 1,
};
