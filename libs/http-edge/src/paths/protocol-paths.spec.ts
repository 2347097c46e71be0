import { pathOf } from './protocol-paths';

describe('pathOf', () => {
  it.each([
    ['/openapi/v1/oauth/device/code', '/openapi/v1/oauth/device/code'],
    ['/openapi/v1/oauth/device/code?user_code=ABCD', '/openapi/v1/oauth/device/code'],
    ['/openapi/v1/oauth/device/%63ode', '/openapi/v1/oauth/device/code'],
    ['/openapi/v1/oauth/%64evice/cod%65', '/openapi/v1/oauth/device/code'],
    ['http://x/openapi/v1/oauth/device/code', '/openapi/v1/oauth/device/code'],
    ['HTTPS://evil.example:8443/v1/me?x=1', '/v1/me'],
    ['/device#fragment', '/device'],
    // Reserved characters stay escaped, as they do for routing.
    ['/openapi/v1/oauth%2Fdevice/code', '/openapi/v1/oauth%2Fdevice/code'],
    // Broken escapes do not route anywhere; the text is kept rather than thrown on.
    ['/openapi/v1/%E0%A4%A', '/openapi/v1/%E0%A4%A'],
  ])('reads %s as %s', (target, path) => {
    expect(pathOf(target)).toBe(path);
  });
});
