// Builds the browser pages (apps/web) into dist/web/: esbuild bundles each page's TypeScript and
// the stylesheet into content-hashed files under assets/, and the page templates are written
// with those names. The gateway serves the HTML uncached and the hashed files for a year.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import esbuild from 'esbuild';

// The JavaScript one page may ship, gzipped; the build fails above it.
const SCRIPT_BUDGET_BYTES = 100 * 1024;

const PAGES = {
  device: { script: 'apps/web/src/device/device.main.ts', template: 'apps/web/src/device.html' },
  signin: { script: 'apps/web/src/signin/signin.main.ts', template: 'apps/web/src/signin.html' },
};
const STYLESHEET = 'apps/web/src/styles/pages.css';
const ICON = 'apps/web/src/assets/icon.svg';

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function hashedCopy(root, source, assetsDir) {
  const content = readFileSync(join(root, source));
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 10).toUpperCase();
  const name = `${basename(source, extname(source))}-${hash}${extname(source)}`;
  writeFileSync(join(assetsDir, name), content);
  return name;
}

export async function buildWeb(root) {
  const outDir = join(root, 'dist', 'web');
  const assetsDir = join(outDir, 'assets');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(assetsDir, { recursive: true });

  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: {
      ...Object.fromEntries(Object.entries(PAGES).map(([name, page]) => [name, page.script])),
      pages: STYLESHEET,
    },
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    // Browsers from 2020 on, phones included: the CLI's QR code opens the page there.
    target: 'es2020',
    tsconfig: join(root, 'apps/web/tsconfig.json'),
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });

  const outputs = Object.entries(result.metafile.outputs).map(([file, meta]) => ({
    file: basename(file),
    entry: meta.entryPoint,
  }));
  const outputFor = (entry) => {
    const found = outputs.find((output) => output.entry === entry);
    if (!found) throw new Error(`esbuild produced no output for ${entry}`);
    return found.file;
  };
  const css = outputFor(STYLESHEET);
  const icon = hashedCopy(root, ICON, assetsDir);

  const report = [];
  for (const [name, page] of Object.entries(PAGES)) {
    const script = outputFor(page.script);
    const html = readFileSync(join(root, page.template), 'utf8')
      .replaceAll('%SCRIPT%', `/assets/${script}`)
      .replaceAll('%CSS%', `/assets/${css}`)
      .replaceAll('%ICON%', `/assets/${icon}`);
    if (html.includes('%')) throw new Error(`${page.template}: unreplaced placeholder`);
    writeFileSync(join(outDir, `${name}.html`), html);
    const code = readFileSync(join(assetsDir, script));
    const gzipped = gzipSync(code, { level: 9 }).length;
    if (gzipped > SCRIPT_BUDGET_BYTES) {
      throw new Error(
        `/${name} ships ${kb(gzipped)} of gzipped JavaScript, over ${kb(SCRIPT_BUDGET_BYTES)}`,
      );
    }
    report.push(`/${name} JavaScript ${kb(code.length)} (${kb(gzipped)} gzipped)`);
  }
  const cssBytes = readFileSync(join(assetsDir, css));
  report.push(
    `CSS ${kb(cssBytes.length)} (${kb(gzipSync(cssBytes, { level: 9 }).length)} gzipped)`,
  );
  return report;
}
