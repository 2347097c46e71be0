import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACT_PATHS, redactUrl } from './redaction';

describe('redactUrl', () => {
  it('hides secret query parameters and keeps the rest', () => {
    expect(redactUrl('/openapi/v1/oauth/device/lookup?user_code=ABCD-EFGH&x=1')).toBe(
      '/openapi/v1/oauth/device/lookup?user_code=%5BRedacted%5D&x=1',
    );
    expect(redactUrl('/health/ready')).toBe('/health/ready');
  });
});

describe('REDACT_PATHS', () => {
  it('keeps secrets out of pino output at the top level, one level down and in headers', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ redact: { paths: [...REDACT_PATHS], censor: '[Redacted]' } }, sink);
    logger.info({
      token: 'dfoa_secret1',
      body: { password: 'hunter2hunter2', device_code: 'dc_secret2' },
      req: { headers: { authorization: 'Bearer dfoa_secret3', cookie: 'a=secret4' } },
    });
    const output = lines.join('');
    for (const secret of ['secret1', 'hunter2', 'secret2', 'secret3', 'secret4']) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('[Redacted]');
  });
});
