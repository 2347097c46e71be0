import { CliError } from '../errors/cli-error';
import { resolveServer } from './server-url';

describe('resolveServer', () => {
  it('prefers the flag, then DIFY_SERVER, then http://localhost:5001', () => {
    expect(resolveServer('https://a.example', 'https://b.example', false).url).toBe(
      'https://a.example',
    );
    expect(resolveServer(undefined, 'https://b.example/', false).url).toBe('https://b.example');
    expect(resolveServer(undefined, undefined, false)).toEqual({
      url: 'http://localhost:5001',
      host: 'localhost:5001',
      plaintextRemote: false,
    });
  });

  it('defaults to https and strips trailing slashes, keeping a path', () => {
    expect(resolveServer('dify.example.com', undefined, false).url).toBe(
      'https://dify.example.com',
    );
    expect(resolveServer('https://example.com/dify///', undefined, false).url).toBe(
      'https://example.com/dify',
    );
  });

  it('allows http:// only to loopback hosts, or with --insecure', () => {
    for (const url of ['http://127.0.0.1:5001', 'http://[::1]:5001', 'http://api.localhost']) {
      expect(resolveServer(url, undefined, false).plaintextRemote).toBe(false);
    }
    expect(() => resolveServer('http://dify.example.com', undefined, false)).toThrow(CliError);
    expect(resolveServer('http://dify.example.com', undefined, true).plaintextRemote).toBe(true);
  });

  it('refuses other schemes, credentials and queries as usage errors', () => {
    for (const url of [
      'ftp://example.com',
      'https://user:pw@example.com',
      'https://example.com/?a=1',
      'http://',
    ]) {
      let caught: unknown;
      try {
        resolveServer(url, undefined, true);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(CliError);
      expect((caught as CliError).exitCode).toBe(2);
    }
  });
});
