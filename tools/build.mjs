#!/usr/bin/env node
// Builds each deployable into dist/<target>/ with @swc/core: the target's own sources and every
// library it reaches, compiled file by file (decorator metadata kept for Nest's DI) with the
// `@dify/*` aliases rewritten to relative paths, plus a `main.js` entry. No bundler: the output
// mirrors the source tree, so stack traces and source maps point at familiar paths. The maps are
// written next to the files but not switched on at run time: Node then loads the map of every
// module that names one, node_modules included (TypeORM's carry its TypeScript sources), which
// held about 24 MB of each service's heap; `NODE_OPTIONS=--enable-source-maps` maps traces to
// the TypeScript lines when that is wanted. Bundling the services with esbuild was measured and
// left out: it saved 5-11 MB of RSS at 5 s idle and cost up to 6 MB once V8 had settled
// (bench/README.md, "Memory"). Two targets
// are bundled with esbuild instead: the CLI (`cli`), which ships as an npm package in one file
// (apps/cli/build/bundle-cli.mjs), and the browser pages (`web`, tools/web-build.mjs).
//
//   node tools/build.mjs            all targets
//   node tools/build.mjs api auth   just those
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';
import { bundleCli } from '../apps/cli/build/bundle-cli.mjs';
import { buildWeb } from './web-build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const TARGETS = {
  api: 'apps/api/src/main.ts',
  auth: 'apps/auth/src/main.ts',
  worker: 'apps/worker/src/main.ts',
  beat: 'apps/beat/src/main.ts',
  migrate: 'apps/migrate/src/main.ts',
  accounts: 'apps/accounts/src/main.ts',
};

const paths = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions
  .paths;

const swcOptions = (file) => ({
  filename: file,
  sourceMaps: true,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    baseUrl: root,
    paths,
    keepClassNames: true,
  },
  module: { type: 'commonjs', strict: true },
});

const IMPORT_SPECIFIER = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g;

/** The TypeScript file an import specifier names, or null for packages. */
function resolveImport(fromFile, specifier) {
  const aliased = paths[specifier];
  if (aliased) return join(root, aliased[0]);
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${relative(root, fromFile)}: cannot resolve "${specifier}"`);
}

/** Every source file reachable from the entry through relative and alias imports. */
function reachableFiles(entry) {
  const seen = new Set();
  const pending = [join(root, entry)];
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT_SPECIFIER)) {
      const next = resolveImport(file, match[1]);
      if (next) pending.push(next);
    }
  }
  return [...seen];
}

/** The bundled targets: each builds itself and answers the line to print. */
const BUNDLED = {
  cli: async () => `built dist/cli (${await bundleCli()} files)`,
  web: async () => `built dist/web: ${(await buildWeb(root)).join('; ')}`,
};
const ALL_TARGETS = [...Object.keys(TARGETS), ...Object.keys(BUNDLED)];

async function buildTarget(name) {
  if (BUNDLED[name]) return BUNDLED[name]();
  const entry = TARGETS[name];
  if (!entry) throw new Error(`unknown target "${name}"; known: ${ALL_TARGETS.join(', ')}`);
  const outDir = join(root, 'dist', name);
  rmSync(outDir, { recursive: true, force: true });
  const files = reachableFiles(entry);
  await Promise.all(
    files.map(async (file) => {
      const output = await swc.transform(readFileSync(file, 'utf8'), swcOptions(file));
      const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(
        target,
        `${output.code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`,
      );
      writeFileSync(`${target}.map`, output.map ?? '');
    }),
  );
  const main = `./${entry.replace(/\.ts$/, '.js')}`;
  writeFileSync(
    join(outDir, 'main.js'),
    `'use strict';\n// Entry of the ${name} bundle.\nrequire(${JSON.stringify(main)});\n`,
  );
  return `built dist/${name} (${files.length} files)`;
}

const requested = process.argv.slice(2);
const names = requested.length > 0 ? requested : ALL_TARGETS;
const started = Date.now();
for (const name of names) process.stdout.write(`${await buildTarget(name)}\n`);
process.stdout.write(`build finished in ${Date.now() - started} ms\n`);
