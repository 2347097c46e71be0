import { QUEUES, SCHEDULES } from '@dify/queue-contracts';
import { openTestQueue, ServiceProcess, waitFor } from '@dify/testing';
import type { Queue } from 'bullmq';

describe('beat schedules (beat processes)', () => {
  let maintenance: Queue;

  beforeAll(() => {
    maintenance = openTestQueue(QUEUES.maintenance);
  });

  afterAll(() => maintenance.close());

  const schedulerIds = async () =>
    (await maintenance.getJobSchedulers()).map((scheduler) => scheduler.key).sort();

  it('leaves one scheduler per entry with two beats, and again after a restart', async () => {
    const [first, second] = await Promise.all([
      ServiceProcess.start('beat'),
      ServiceProcess.start('beat'),
    ]);
    try {
      const expected = SCHEDULES.map((entry) => entry.id).sort();
      expect(await schedulerIds()).toEqual(expected);

      expect(await first.stop()).toEqual({ code: 0, signal: null });
      const restarted = await ServiceProcess.start('beat');
      await waitFor(() => restarted.lines.some((line) => line.includes('applied 3 schedule(s)')));
      expect(await schedulerIds()).toEqual(expected);
      expect(await restarted.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await first.stop('SIGKILL');
      await second.stop('SIGKILL');
    }
  });

  it('removes the token purge scheduler when the task is switched off', async () => {
    const beat = await ServiceProcess.start('beat', {
      ENABLE_CLEAN_OAUTH_ACCESS_TOKENS_TASK: 'false',
    });
    try {
      expect(await schedulerIds()).toEqual(['audit.purge-retention', 'license.refresh']);
    } finally {
      await beat.stop();
    }
  });
});
