// Bundles difyctl into one self-contained file, dist/cli/difyctl.js, with esbuild: the CLI's
// sources, the pure rules it uses from libs/domain and its npm dependencies, so the installed
// package has no runtime dependencies. Beside it go a package.json (from apps/cli/package.json,
// with the `difyctl` bin) and the README, which makes dist/cli an installable npm package:
//   npm install -g ./dist/cli
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const projectDir = join(root, 'apps', 'cli');
export const CLI_OUT_DIR = join(root, 'dist', 'cli');
export const CLI_BUNDLE = join(CLI_OUT_DIR, 'difyctl.js');

/** Builds dist/cli; answers how many source files went into the bundle. */
export async function bundleCli() {
  rmSync(CLI_OUT_DIR, { recursive: true, force: true });
  mkdirSync(CLI_OUT_DIR, { recursive: true });
  const result = await build({
    entryPoints: [join(projectDir, 'src', 'main.ts')],
    outfile: CLI_BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const manifest = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8'));
  writeFileSync(join(CLI_OUT_DIR, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(join(projectDir, 'README.md'), join(CLI_OUT_DIR, 'README.md'));
  return Object.keys(result.metafile.inputs).length;
}
