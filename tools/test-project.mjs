#!/usr/bin/env node
// The `test` target of every Nx project: the project's unit and integration tests and, for an app
// with end-to-end tests, a build of the deployables followed by those. Each run uses the repo's
// own jest config limited to the project's directory, so a project's tests are the ones `npm test`
// runs for it. Integration and e2e tests use the configured Postgres and Redis, as `npm test`
// does when they answer.
//
//   node tools/test-project.mjs libs/domain
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const projectRoot = process.argv[2];
if (!projectRoot || !existsSync(join(root, projectRoot, 'project.json'))) {
  console.error('usage: node tools/test-project.mjs <project root, e.g. libs/domain>');
  process.exit(2);
}

const hasE2eSpecs = readdirSync(join(root, projectRoot), { recursive: true }).some((file) =>
  String(file).endsWith('.e2e-spec.ts'),
);

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The trailing slash keeps libs/db from also matching a sibling such as libs/dbx.
const jest = (config) => [
  'node_modules/jest/bin/jest.js',
  '-c',
  `jest.${config}.config.js`,
  '--passWithNoTests',
  `${projectRoot}/`,
];

run(jest('unit'));
run(jest('int'));
if (hasE2eSpecs) {
  // The e2e suites run the built services, and an app's suite may start its neighbours too.
  run(['tools/build.mjs']);
  run(jest('e2e'));
}
