import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvSchema } from '@dify/platform';

const README = join(__dirname, '..', '..', '..', 'README.md');

// A row of the README's environment table: | `NAME` | `default` or (empty)/(required) | ...
const ROW = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*([^|]+?)\s*\|/;

function documentedDefaults(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of readFileSync(README, 'utf8').split('\n')) {
    const match = ROW.exec(line);
    if (match) rows.set(match[1], match[2]);
  }
  return rows;
}

function rendered(defaultValue: string | undefined): string {
  if (defaultValue === undefined) return '(required)';
  if (defaultValue === '') return '(empty)';
  return `\`${defaultValue}\``;
}

/**
 * Differences between a service's env schema and the README's environment table: every variable
 * must be listed with the default the schema really applies.
 */
export function readmeEnvMismatches(schema: EnvSchema): string[] {
  const documented = documentedDefaults();
  return Object.entries(schema).flatMap(([name, variable]) => {
    const expected = rendered(variable.defaultValue);
    const actual = documented.get(name);
    if (actual === undefined) return [`${name} is missing from the README`];
    if (actual !== expected) return [`${name}: README says ${actual}, the schema uses ${expected}`];
    return [];
  });
}
