import { Writable } from 'node:stream';
import pino from 'pino';
import { type CapturedConsole, captureConsole } from './console-capture';
import { serviceLoggerOptions } from './logger-options';

const DEVICE_CODE = 'dc_Mn5bV4cX3zL2kJ1hG0fD9sA8pO7iU6yT5rE4wQ3eRtY';

describe('captureConsole', () => {
  it('turns what a library prints into redacted JSON lines, and can be undone', () => {
    const written: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString());
        done();
      },
    });
    const printed: unknown[][] = [];
    const print = (...args: unknown[]): void => void printed.push(args);
    const target: CapturedConsole = {
      debug: print,
      error: print,
      info: print,
      log: print,
      trace: print,
      warn: print,
    };
    const restore = captureConsole(pino(serviceLoggerOptions('test', 'debug'), sink), target);

    // What BullMQ prints for a worker error nobody listens to.
    const refused = Object.assign(
      new Error('READONLY You can’t write against a read only replica.'),
      {
        command: { name: 'evalsha', args: ['sha', 1, `bull:mail:${DEVICE_CODE}`] },
      },
    );
    target.error(refused);
    target.warn('job %s failed for %o', 'mail', { device_code: DEVICE_CODE, attempt: 2 });
    restore();
    target.log('after restore');

    const lines = written.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toMatchObject([
      {
        level: 'error',
        source: 'console',
        msg: 'READONLY You can’t write against a read only replica.',
        err: { command: { name: 'evalsha' } },
      },
      { level: 'warn', source: 'console', msg: expect.stringContaining('job mail failed') },
    ]);
    expect(written.join('')).not.toContain(DEVICE_CODE);
    expect(written.join('')).not.toContain('"args"');
    expect(printed).toEqual([['after restore']]);
  });
});
