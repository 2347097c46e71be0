#!/usr/bin/env node
// `npm run difyctl -- <command>`: runs the CLI from the repository without installing it. It
// rebuilds dist/cli/difyctl.js first when any source is newer than the bundle (esbuild takes a
// fraction of a second), then runs the bundle in this process, so Ctrl-C, stdin and exit codes
// behave exactly as with an installed difyctl. Build messages go to stderr: stdout belongs to
// the command (`--json`).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bundle = join(root, 'dist', 'cli', 'difyctl.js');
const sources = [
  join(root, 'apps', 'cli', 'src'),
  join(root, 'apps', 'cli', 'package.json'),
  join(root, 'apps', 'cli', 'README.md'),
  join(root, 'apps', 'cli', 'build'),
  join(root, 'libs', 'domain', 'src'),
];

function newestChange(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) {
    newest = Math.max(newest, newestChange(join(path, entry)));
  }
  return newest;
}

function isStale() {
  if (!existsSync(bundle)) return true;
  const built = statSync(bundle).mtimeMs;
  return sources.some((source) => existsSync(source) && newestChange(source) > built);
}

if (isStale()) {
  const { bundleCli } = await import('../build/bundle-cli.mjs');
  process.stderr.write('[difyctl] building dist/cli from source…\n');
  await bundleCli();
}
process.argv = [process.argv[0], bundle, ...process.argv.slice(2)];
await import(pathToFileURL(bundle).href);
