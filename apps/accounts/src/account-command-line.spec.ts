import { parseAccountCommandLine, required, UsageError } from './account-command-line';

describe('the accounts command line', () => {
  it('reads the command and its flags', () => {
    expect(
      parseAccountCommandLine([
        'create',
        '--email',
        'a@example.com',
        '--name',
        'A',
        '--password',
        'pw',
        '--workspace',
        'Acme',
        '--role',
        'admin',
      ]),
    ).toEqual({
      command: 'create',
      values: {
        email: 'a@example.com',
        name: 'A',
        password: 'pw',
        workspace: 'Acme',
        role: 'admin',
      },
      role: 'admin',
    });
  });

  it('refuses an unknown command', () => {
    expect(() => parseAccountCommandLine(['purge'])).toThrow(new UsageError('unknown command'));
    expect(() => parseAccountCommandLine([])).toThrow(UsageError);
  });

  it('refuses a role that is not a workspace role', () => {
    expect(() => parseAccountCommandLine(['create', '--role', 'root'])).toThrow(
      /--role must be one of/,
    );
  });

  it('lets parseArgs refuse an unknown flag with a coded TypeError', () => {
    let thrown: unknown;
    try {
      parseAccountCommandLine(['list', '--force']);
    } catch (error) {
      thrown = error;
    }
    // Node's own TypeError, from outside the test's realm, so compared by name.
    expect(thrown).toHaveProperty('name', 'TypeError');
    expect(thrown).toHaveProperty('code', 'ERR_PARSE_ARGS_UNKNOWN_OPTION');
  });

  it('names a missing required flag', () => {
    expect(() => required(undefined, '--email')).toThrow(new UsageError('--email is required'));
    expect(required('a@example.com', '--email')).toBe('a@example.com');
  });
});
