import type { TokenUse } from '@dify/db';
import { TokenTouchBatcher } from './token-touch-batcher.service';
import type { TokenUsageWriter } from './token-usage-writer.service';

/** Records each batch it is handed; `fail` makes the next write reject. */
class RecordingWriter {
  readonly batches: (readonly TokenUse[])[] = [];
  fail = false;

  write(touches: readonly TokenUse[]): Promise<number> {
    this.batches.push(touches);
    if (this.fail) {
      this.fail = false;
      return Promise.reject(new Error('write failed'));
    }
    return Promise.resolve(touches.length);
  }
}

const touch = (n: number): TokenUse => ({
  tokenId: `00000000-0000-7000-8000-${n.toString().padStart(12, '0')}`,
  usedAt: new Date(1_700_000_000_000 + n),
});

/** Tracks whether a promise has settled, without awaiting it. */
function watch(promise: Promise<void>): { settled: () => boolean; failed: () => boolean } {
  let settled = false;
  let failed = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
      failed = true;
    },
  );
  return { settled: () => settled, failed: () => failed };
}

describe('TokenTouchBatcher', () => {
  let writer: RecordingWriter;

  beforeEach(() => {
    jest.useFakeTimers();
    writer = new RecordingWriter();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  function batcher(maxSize = 500, maxWaitMs = 1_000): TokenTouchBatcher {
    return new TokenTouchBatcher(writer as unknown as TokenUsageWriter, { maxSize, maxWaitMs });
  }

  it('uses the documented limits by default: 500 touches or 1 s', async () => {
    const subject = new TokenTouchBatcher(writer as unknown as TokenUsageWriter);
    const first = Array.from({ length: 499 }, (_, n) => watch(subject.add(touch(n))));
    await jest.advanceTimersByTimeAsync(999);
    expect(writer.batches).toHaveLength(0);

    const last = watch(subject.add(touch(499)));
    await jest.advanceTimersByTimeAsync(0);

    expect(writer.batches.map((batch) => batch.length)).toEqual([500]);
    expect([...first, last].every((w) => w.settled() && !w.failed())).toBe(true);
  });

  it('writes a batch as soon as it is full', async () => {
    const subject = batcher(3);
    const waits = [1, 2, 3].map((n) => watch(subject.add(touch(n))));

    await jest.advanceTimersByTimeAsync(0);

    expect(writer.batches).toEqual([[touch(1), touch(2), touch(3)]]);
    expect(waits.every((w) => w.settled())).toBe(true);
  });

  it('holds a partial batch until its deadline, counted from its first touch', async () => {
    const subject = batcher(500, 1_000);
    const first = watch(subject.add(touch(1)));
    await jest.advanceTimersByTimeAsync(600);
    const second = watch(subject.add(touch(2)));

    await jest.advanceTimersByTimeAsync(399);
    expect(writer.batches).toHaveLength(0);
    expect(first.settled()).toBe(false);

    await jest.advanceTimersByTimeAsync(1);
    expect(writer.batches).toEqual([[touch(1), touch(2)]]);
    expect(first.settled() && second.settled()).toBe(true);
  });

  it('starts a new deadline for touches that arrive after a write', async () => {
    const subject = batcher(500, 1_000);
    void subject.add(touch(1));
    await jest.advanceTimersByTimeAsync(1_000);
    const later = watch(subject.add(touch(2)));

    await jest.advanceTimersByTimeAsync(999);
    expect(later.settled()).toBe(false);
    await jest.advanceTimersByTimeAsync(1);

    expect(writer.batches).toEqual([[touch(1)], [touch(2)]]);
    expect(later.settled()).toBe(true);
  });

  it('writes at once when every consumer slot is waiting on it', async () => {
    const subject = batcher(500, 60_000);
    subject.expectConcurrency(2);

    const waits = [watch(subject.add(touch(1))), watch(subject.add(touch(2)))];
    await jest.advanceTimersByTimeAsync(0);

    expect(writer.batches).toEqual([[touch(1), touch(2)]]);
    expect(waits.every((w) => w.settled())).toBe(true);
  });

  it('rejects every touch of a failed batch and keeps working', async () => {
    const subject = batcher(2);
    writer.fail = true;
    const failed = [watch(subject.add(touch(1))), watch(subject.add(touch(2)))];
    await jest.advanceTimersByTimeAsync(0);
    expect(failed.every((w) => w.failed())).toBe(true);

    const retried = [watch(subject.add(touch(1))), watch(subject.add(touch(2)))];
    await jest.advanceTimersByTimeAsync(0);

    expect(retried.every((w) => w.settled() && !w.failed())).toBe(true);
  });

  it('writes what is pending on shutdown', async () => {
    const subject = batcher(500, 60_000);
    const pending = watch(subject.add(touch(1)));

    await subject.beforeApplicationShutdown();

    expect(writer.batches).toEqual([[touch(1)]]);
    expect(pending.settled()).toBe(true);
  });
});
