import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';

export type WebPageName = 'device' | 'signin';

export interface WebAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

const PAGE_NAMES: readonly WebPageName[] = ['device', 'signin'];

// Only content-hashed build outputs are served, so a year-long cache can never serve a stale file.
const HASHED_ASSET = /^[a-z][a-z0-9-]*-[A-Z0-9]{8,}\.(js|css|svg)$/;
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The built pages, read into memory once at start-up: two small HTML files and a handful of
 * hashed assets. Requests for anything else are not served, so no request path ever reaches the
 * file system.
 */
export class WebBundle {
  private constructor(
    readonly directory: string,
    private readonly pages: ReadonlyMap<WebPageName, Buffer>,
    private readonly assets: ReadonlyMap<string, WebAsset>,
  ) {}

  /** The bundle in `directory`, or an empty one when the pages were not built there. */
  static load(directory: string): WebBundle {
    const pages = new Map<WebPageName, Buffer>();
    const assets = new Map<string, WebAsset>();
    if (PAGE_NAMES.every((name) => existsSync(join(directory, `${name}.html`)))) {
      for (const name of PAGE_NAMES) pages.set(name, readFileSync(join(directory, `${name}.html`)));
      const assetDir = join(directory, 'assets');
      for (const file of existsSync(assetDir) ? readdirSync(assetDir) : []) {
        if (!HASHED_ASSET.test(file)) continue;
        assets.set(file, {
          body: readFileSync(join(assetDir, file)),
          contentType: CONTENT_TYPES[extname(file)],
        });
      }
    }
    return new WebBundle(directory, pages, assets);
  }

  get built(): boolean {
    return this.pages.size === PAGE_NAMES.length;
  }

  page(name: WebPageName): Buffer | undefined {
    return this.pages.get(name);
  }

  asset(file: string): WebAsset | undefined {
    return this.assets.get(file);
  }
}

/**
 * `dist/web` of the build this code runs from: the gateway runs as `dist/api/...`, so the nearest
 * ancestor named `dist` holds it; from sources (tests) the repository's `dist/web`.
 */
export function defaultWebDirectory(from: string): string {
  let directory = resolve(from);
  for (;;) {
    if (basename(directory) === 'dist') return join(directory, 'web');
    if (existsSync(join(directory, 'package.json')) && existsSync(join(directory, 'apps'))) {
      return join(directory, 'dist', 'web');
    }
    const parent = dirname(directory);
    if (parent === directory) return join(resolve(from), 'web');
    directory = parent;
  }
}
