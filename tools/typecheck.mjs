#!/usr/bin/env node
// The `build` target of a library: a type check of the project's files, and of what they import,
// with the workspace's compiler options; any error fails it. Libraries ship only inside the apps
// that import them, so checking their types is all their build does. A project with a
// tsconfig.json of its own is checked with that one instead of the workspace's.
//
//   node tools/typecheck.mjs libs/domain
import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const projectRoot = process.argv[2];
if (!projectRoot || !existsSync(join(root, projectRoot, 'project.json'))) {
  console.error('usage: node tools/typecheck.mjs <project root, e.g. libs/domain>');
  process.exit(2);
}

const ownConfig = join(root, projectRoot, 'tsconfig.json');
const configPath = existsSync(ownConfig) ? ownConfig : join(root, 'tsconfig.json');
const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
if (error) {
  console.error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  process.exit(1);
}
const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configPath));
const inProject = join(root, projectRoot) + sep;
const files = parsed.fileNames.filter((file) => resolve(file).startsWith(inProject));
if (files.length === 0) {
  console.error(`${projectRoot}: no TypeScript files to check`);
  process.exit(1);
}

const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.length > 0) {
  const host = {
    getCanonicalFileName: (file) => file,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  };
  console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
}
console.log(`type check of ${projectRoot}: ${files.length} files, ${diagnostics.length} error(s)`);
process.exit(diagnostics.length > 0 ? 1 : 0);
