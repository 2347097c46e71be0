import { coerce, lt, valid } from 'semver';
import { EnvVarError, type EnvVar } from '@dify/platform';

const DIFYCTL_USER_AGENT = /^difyctl\/(\S+)/;

function minimumVersion(): EnvVar<string> {
  return {
    description: 'Oldest difyctl version the API serves; older clients get 426',
    defaultValue: '0.2.0-alpha',
    secret: false,
    parse(raw) {
      const version = valid(raw.trim());
      if (!version) throw new EnvVarError('must be a semantic version such as 0.2.0-alpha');
      return version;
    },
  };
}

export const clientVersionEnv = { DIFYCTL_MIN_VERSION: minimumVersion() } as const;

/**
 * Whether the User-Agent names a difyctl older than the minimum. Other clients, and difyctl
 * versions that cannot be read, pass: the gate exists to stop known-incompatible CLIs, not to
 * fingerprint callers.
 */
export function isOutdatedDifyctl(userAgent: string | undefined, minVersion: string): boolean {
  const match = userAgent ? DIFYCTL_USER_AGENT.exec(userAgent) : null;
  if (!match) return false;
  const version = valid(match[1]) ?? coerce(match[1])?.version;
  return version ? lt(version, minVersion) : false;
}
