import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// The infrastructure libraries are read folder by folder (logging, redis, http, errors, ...): a
// folder that imports a sibling which imports it back cannot be understood, moved or split on its
// own. This suite refuses such a loop between the folders of each library's src/.

const ROOT = join(__dirname, '..', '..', '..');
const LIBRARIES = ['libs/platform', 'libs/http-edge'];

const RELATIVE_IMPORT = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Folder → the sibling folders its files import (the files at src/ itself are no folder). */
function folderImports(src: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(src)) {
    const [folder, ...rest] = relative(src, file).split('/');
    if (rest.length === 0) continue;
    const targets = graph.get(folder) ?? new Set<string>();
    graph.set(folder, targets);
    for (const match of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      const [target, ...targetRest] = relative(src, join(file, '..', match[1])).split('/');
      if (targetRest.length > 0 && target !== folder && target !== '..') targets.add(target);
    }
  }
  return graph;
}

/** Each loop found by depth-first search, written `a -> b -> a`. */
function cyclesOf(graph: Map<string, Set<string>>): string[] {
  const cycles: string[] = [];
  const done = new Set<string>();
  const visit = (folder: string, path: string[]): void => {
    const seenAt = path.indexOf(folder);
    if (seenAt >= 0) {
      cycles.push([...path.slice(seenAt), folder].join(' -> '));
      return;
    }
    if (done.has(folder)) return;
    for (const next of graph.get(folder) ?? []) visit(next, [...path, folder]);
    done.add(folder);
  };
  for (const folder of graph.keys()) visit(folder, []);
  return cycles;
}

describe('folder imports of the infrastructure libraries', () => {
  it('finds a loop when there is one', () => {
    const graph = new Map([
      ['http', new Set(['errors'])],
      ['errors', new Set(['paths', 'http'])],
      ['paths', new Set<string>()],
    ]);
    expect(cyclesOf(graph)).toEqual(['http -> errors -> http']);
  });

  it.each(LIBRARIES)('%s has no loop between its folders', (library) => {
    const graph = folderImports(join(ROOT, library, 'src'));
    expect(graph.size).toBeGreaterThan(1);
    expect(cyclesOf(graph)).toEqual([]);
  });
});
