import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Injection token of the version `/openapi/v1/_version` reports. */
export const PACKAGE_VERSION = Symbol('PACKAGE_VERSION');

/**
 * The `version` of the nearest package.json above `fromDir`. The source tree, the build output
 * (`dist/api/...`) and the images (`/app/dist/api/...` with `/app/package.json`) all have the
 * repository's package.json above them, so one rule serves all three. Missing, it fails the boot:
 * a packaging mistake shows at once instead of as a wrong version.
 */
export function readPackageVersion(fromDir: string = __dirname): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const { version } = JSON.parse(readFileSync(candidate, 'utf8')) as { version?: unknown };
      if (typeof version === 'string' && version !== '') return version;
      throw new Error(`${candidate} has no version`);
    }
    if (dirname(dir) === dir) throw new Error(`no package.json above ${fromDir}`);
  }
}
