import { consoleCookieNameCandidates } from '@dify/domain';
import { CSRF_COOKIE_NAMES, readCsrfCookie } from './cookies';

describe('the CSRF cookie as the page reads it', () => {
  it('knows every name the services may give it, strongest first', () => {
    expect(CSRF_COOKIE_NAMES).toEqual(consoleCookieNameCandidates('csrf'));
  });

  it('reads the prefixed cookie of an https deployment before a plain one planted beside it', () => {
    expect(readCsrfCookie('csrf_token=planted; __Host-csrf_token=real')).toBe('real');
    expect(readCsrfCookie('__Secure-csrf_token=scoped')).toBe('scoped');
    expect(readCsrfCookie('theme=dark; csrf_token=local')).toBe('local');
    expect(readCsrfCookie('theme=dark')).toBeNull();
  });
});
