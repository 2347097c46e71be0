import { OpsListenerError } from './ops-listener.error';
import { diagnoseStartupFailure } from './start-up-failure';

function systemError(code: string, syscall: string, extra: object = {}): Error {
  return Object.assign(new Error(`${syscall} ${code}`), { code, syscall, ...extra });
}

describe('diagnoseStartupFailure', () => {
  const variables = { port: 'API_PORT' };

  it('blames the port variable for a port in use', () => {
    expect(
      diagnoseStartupFailure(systemError('EADDRINUSE', 'listen', { port: 5001 }), variables),
    ).toEqual({ cause: 'port 5001 is already in use', variable: 'API_PORT', code: 'EADDRINUSE' });
  });

  it('blames HOST for an address the machine does not have', () => {
    expect(diagnoseStartupFailure(systemError('EADDRNOTAVAIL', 'listen'), variables)).toMatchObject(
      {
        variable: 'HOST',
      },
    );
  });

  it('blames DATABASE_URL for a database that refuses or cannot be reached', () => {
    const refused = Object.assign(new Error('password authentication failed'), { code: '28P01' });
    expect(diagnoseStartupFailure(refused, variables)).toMatchObject({
      variable: 'DATABASE_URL',
    });
    expect(diagnoseStartupFailure(systemError('ECONNREFUSED', 'connect'), variables)).toMatchObject(
      { variable: 'DATABASE_URL' },
    );
  });

  it('blames the ops port and OPS_HOST when the health and metrics listener cannot bind', () => {
    const withOps = { port: 'API_PORT', opsPort: 'API_OPS_PORT' };
    const inUse = new OpsListenerError(systemError('EADDRINUSE', 'listen', { port: 5005 }));
    expect(diagnoseStartupFailure(inUse, withOps)).toEqual({
      cause: 'port 5005 is already in use',
      variable: 'API_OPS_PORT',
      code: 'EADDRINUSE',
    });
    const noAddress = new OpsListenerError(systemError('EADDRNOTAVAIL', 'listen'));
    expect(diagnoseStartupFailure(noAddress, withOps)).toMatchObject({ variable: 'OPS_HOST' });
  });

  it('names no variable when none would help', () => {
    expect(diagnoseStartupFailure(new Error('boom'), variables)).toEqual({ cause: 'boom' });
  });
});
