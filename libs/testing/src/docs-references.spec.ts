import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// Code comments and docs cite the documentation as `docs/<file>.md, "<heading>"` (more headings
// may follow, each as `, "<heading>"`), and docs pages link each other as `file.md#anchor`. This
// suite keeps every such pointer aimed at a file and a heading that exist, and keeps out citations
// of documents that are not in the repository.

const ROOT = join(__dirname, '..', '..', '..');
const DOCS = join(ROOT, 'docs');
const THIS_FILE = relative(ROOT, __filename);

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'tmp', 'coverage', '.git', '.data', '.nx']);
const SCANNED_EXTENSIONS = /\.(ts|tsx|mjs|cjs|js|md|json|ya?ml|sh|html|css)$|^\.env\.example$/;
const SKIPPED_FILES = new Set(['package-lock.json', THIS_FILE]);

/** `docs/<file>.md` plus any `, "<heading>"` that follow it on the same line. */
const DOCS_REFERENCE = /(?<![\w./-])docs\/([\w.-]+\.md)((?:,\s*"[^"\n]+")*)/g;
const QUOTED = /"([^"\n]+)"/g;
/** A markdown link to another page or a heading: `](file.md)`, `](file.md#x)`, `](#x)`. */
const MARKDOWN_LINK = /\]\(((?:[\w.-]+\.md)?(?:#[\w-]+)?)\)/g;

interface SourceText {
  readonly path: string;
  readonly text: string;
}

function headingsOf(markdown: string): string[] {
  return markdown
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => line.replace(/^#{1,6} /, '').trim());
}

/** The anchor GitHub gives a heading: lower-case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/**
 * Every broken pointer or outside citation in `sources`, as `path:line: problem`. `docs` maps a
 * docs file name (`device-flow.md`) to its text.
 */
function referenceProblems(
  sources: readonly SourceText[],
  docs: ReadonlyMap<string, string>,
): string[] {
  const headings = new Map([...docs].map(([name, text]) => [name, headingsOf(text)]));
  const problems: string[] = [];
  for (const { path, text } of sources) {
    const isDocsPage = path.startsWith('docs/');
    text.split('\n').forEach((line, index) => {
      const where = `${path}:${index + 1}`;
      for (const match of line.matchAll(DOCS_REFERENCE)) {
        const [, file, quoted] = match;
        const known = headings.get(file);
        if (!known) {
          problems.push(`${where}: docs/${file} does not exist`);
          continue;
        }
        for (const [, heading] of quoted.matchAll(QUOTED)) {
          if (!known.includes(heading)) {
            problems.push(`${where}: docs/${file} has no heading "${heading}"`);
          }
        }
      }
      if (/contract\s*§/i.test(line)) problems.push(`${where}: cites a contract section`);
      if (/DESIGN(\.md| decision)/.test(line)) problems.push(`${where}: cites DESIGN.md`);
      for (const section of line.matchAll(/§/g)) {
        const before = line.slice(0, section.index);
        if (!/RFC \d+ $/.test(before)) {
          problems.push(`${where}: a section sign that names no RFC`);
        }
      }
      if (!isDocsPage) return;
      for (const [, target] of line.matchAll(MARKDOWN_LINK)) {
        const [file, anchor] = target.split('#');
        const page = file === '' ? path.slice('docs/'.length) : file;
        const pageHeadings = headings.get(page);
        if (!pageHeadings) {
          problems.push(`${where}: links to docs/${page}, which does not exist`);
        } else if (anchor !== undefined && !pageHeadings.map(anchorOf).includes(anchor)) {
          problems.push(`${where}: docs/${page} has no heading with the anchor #${anchor}`);
        }
      }
    });
  }
  return problems;
}

function repositoryFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return SKIPPED_DIRS.has(name) ? [] : repositoryFiles(path);
    const relativePath = relative(ROOT, path);
    return SCANNED_EXTENSIONS.test(name) && !SKIPPED_FILES.has(relativePath) ? [relativePath] : [];
  });
}

describe('references to docs/', () => {
  const docs = new Map(
    readdirSync(DOCS)
      .filter((name) => name.endsWith('.md'))
      .map((name) => [name, readFileSync(join(DOCS, name), 'utf8')]),
  );

  it('point only at files and headings that exist, and cite no outside document', () => {
    const sources = repositoryFiles(ROOT).map((path) => ({
      path,
      text: readFileSync(join(ROOT, path), 'utf8'),
    }));
    expect(sources.length).toBeGreaterThan(100);
    expect(referenceProblems(sources, docs)).toEqual([]);
  });

  it('are found by the check, which names each broken one', () => {
    const sources: SourceText[] = [
      { path: 'a.ts', text: '// fine (docs/tokens.md, "Compensation")' },
      { path: 'b.ts', text: '// (docs/tokens.md, "Compensation", "No such heading")' },
      { path: 'c.ts', text: '/** See docs/missing.md. */' },
      { path: 'd.ts', text: ' * as contract §5.2 says, and §7.1 too; RFC 8628 §3.5 is fine' },
      { path: 'e.ts', text: '// DESIGN.md decision 2' },
      { path: 'docs/x.md', text: 'See [polling](device-flow.md#polling) and [x](tokens.md#nope).' },
    ];
    expect(referenceProblems(sources, docs)).toEqual([
      'b.ts:1: docs/tokens.md has no heading "No such heading"',
      'c.ts:1: docs/missing.md does not exist',
      'd.ts:1: cites a contract section',
      'd.ts:1: a section sign that names no RFC',
      'd.ts:1: a section sign that names no RFC',
      'e.ts:1: cites DESIGN.md',
      'docs/x.md:1: docs/tokens.md has no heading with the anchor #nope',
    ]);
  });

  it('give each heading the anchor GitHub gives it', () => {
    expect(anchorOf('Not built yet: the SSO branch')).toBe('not-built-yet-the-sso-branch');
    expect(anchorOf('The oauth_access_tokens table')).toBe('the-oauth_access_tokens-table');
    expect(anchorOf("The client's address")).toBe('the-clients-address');
  });

  it('reach a docs index that lists every page', () => {
    const index = docs.get('README.md') ?? '';
    const unlisted = [...docs.keys()].filter(
      (name) => name !== 'README.md' && !index.includes(`](${name})`),
    );
    expect(existsSync(join(DOCS, 'README.md'))).toBe(true);
    expect(unlisted).toEqual([]);
  });
});
