import { EnvValidationError, loadEnv } from '@dify/platform';
import { deviceFlowEnv } from './device-flow.env';
import { deviceFlowSettingsFrom } from './device-flow.settings';

function problemsOf(source: Record<string, string>): string[] {
  try {
    loadEnv(deviceFlowEnv, source);
  } catch (error) {
    if (error instanceof EnvValidationError) return error.problems.map((p) => p.variable);
    throw error;
  }
  return [];
}

describe('deviceFlowEnv', () => {
  it('applies the documented defaults', () => {
    expect(loadEnv(deviceFlowEnv, {})).toEqual({
      OPENAPI_KNOWN_CLIENT_IDS: ['difyctl'],
      DEVICE_CODE_RATE_LIMIT_PER_HOUR: 60,
      DEVICE_LOOKUP_RATE_LIMIT_PER_5MIN: 60,
      DEVICE_LOOKUP_FAILURE_BUDGET_PER_HOUR: 1000,
      DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR: 10,
      ENABLE_OAUTH_BEARER: true,
    });
  });

  it('trims client ids and drops empty entries', () => {
    const config = loadEnv(deviceFlowEnv, { OPENAPI_KNOWN_CLIENT_IDS: ' client-a, client-b ,' });
    expect(config.OPENAPI_KNOWN_CLIENT_IDS).toEqual(['client-a', 'client-b']);
  });

  it('refuses a client id over 64 characters and a list of nothing', () => {
    expect(problemsOf({ OPENAPI_KNOWN_CLIENT_IDS: `ok,${'c'.repeat(65)}` })).toEqual([
      'OPENAPI_KNOWN_CLIENT_IDS',
    ]);
    expect(problemsOf({ OPENAPI_KNOWN_CLIENT_IDS: `${'c'.repeat(64)}` })).toEqual([]);
    expect(problemsOf({ OPENAPI_KNOWN_CLIENT_IDS: ' , ,' })).toEqual(['OPENAPI_KNOWN_CLIENT_IDS']);
  });

  it('refuses limits below 1 rather than clamping them, and names every variable', () => {
    expect(
      problemsOf({
        DEVICE_CODE_RATE_LIMIT_PER_HOUR: '0',
        DEVICE_LOOKUP_RATE_LIMIT_PER_5MIN: 'abc',
        DEVICE_LOOKUP_FAILURE_BUDGET_PER_HOUR: '-1',
        DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR: '0',
        ENABLE_OAUTH_BEARER: 'maybe',
      }).sort(),
    ).toEqual(
      [
        'DEVICE_CODE_RATE_LIMIT_PER_HOUR',
        'DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR',
        'DEVICE_LOOKUP_FAILURE_BUDGET_PER_HOUR',
        'DEVICE_LOOKUP_RATE_LIMIT_PER_5MIN',
        'ENABLE_OAUTH_BEARER',
      ].sort(),
    );
  });

  it('turns the env into settings', () => {
    const config = loadEnv(deviceFlowEnv, {
      ENABLE_OAUTH_BEARER: 'false',
      DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR: '3',
    });
    expect(
      deviceFlowSettingsFrom({ ...config, CONSOLE_WEB_URL: 'https://console.example' }),
    ).toEqual({
      consoleWebUrl: 'https://console.example',
      knownClientIds: ['difyctl'],
      deviceCodeRateLimitPerHour: 60,
      deviceLookupRateLimitPer5Min: 60,
      deviceLookupFailureBudgetPerHour: 1000,
      approveRateLimitPerHour: 3,
      enableOAuthBearer: false,
    });
  });
});
