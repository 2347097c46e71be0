import { EnvValidationError, loadEnv } from './load-env';
import { publicUrlEnv } from './platform.env';

function problemsOf(source: Record<string, string>): string[] {
  try {
    loadEnv(publicUrlEnv, source);
  } catch (error) {
    if (error instanceof EnvValidationError) return error.problems.map((p) => p.variable);
    throw error;
  }
  return [];
}

describe('publicUrlEnv', () => {
  it('accepts absolute http(s) base URLs, with a path', () => {
    expect(
      problemsOf({
        CONSOLE_API_URL: 'https://api.example.com/dify/',
        CONSOLE_WEB_URL: 'http://localhost:5001',
      }),
    ).toEqual([]);
  });

  it.each(['https://api.example.com/?x=1', 'https://api.example.com/#top', 'http://a.example/?'])(
    'refuses %s, naming the variable',
    (value) => {
      expect(problemsOf({ CONSOLE_API_URL: value })).toEqual(['CONSOLE_API_URL']);
      expect(problemsOf({ CONSOLE_WEB_URL: value })).toEqual(['CONSOLE_WEB_URL']);
    },
  );
});
