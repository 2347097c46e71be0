import { arch, platform } from 'node:os';
import cliPackage from '../package.json';

/** The CLI's version: the installable package's, which the server's version gate reads. */
export const DIFYCTL_VERSION: string = cliPackage.version;

/** `stable` for a release, else the pre-release tag (`alpha`, `beta`, `rc`). */
function channelOf(version: string): string {
  const prerelease = /^[0-9]+\.[0-9]+\.[0-9]+-([0-9A-Za-z]+)/.exec(version);
  return prerelease ? prerelease[1] : 'stable';
}

/** `difyctl/<version> (<os>; <arch>; <channel>)`, sent on every request. */
export function userAgent(version = DIFYCTL_VERSION): string {
  return `difyctl/${version} (${platform()}; ${arch()}; ${channelOf(version)})`;
}
