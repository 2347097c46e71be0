import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';

/** Debian's chromium package; no browser is ever downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const REPO_ROOT = join(__dirname, '..', '..', '..');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'tmp', 'screenshots');

// Quiet, offline, and container-friendly: no sandbox (root in CI), no GPU, no background fetches.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}; the browser tests need Debian's package: ` +
        'apt-get install -y chromium (.ci/run installs it when missing)',
    );
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** What a page did that a person would call broken: script errors and CSP refusals. */
export interface PageProblems {
  readonly errors: string[];
  readonly cspViolations: string[];
  /** Bodies of every same-origin API answer the page received, to prove it never saw a token. */
  readonly apiBodies: string[];
  readonly requests: { url: string; method: string; headers: Record<string, string> }[];
}

export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly problems: PageProblems;
}

export async function openPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, ...options });
  const page = await context.newPage();
  const problems: PageProblems = { errors: [], cspViolations: [], apiBodies: [], requests: [] };
  page.on('pageerror', (error) => problems.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      problems.cspViolations.push(message.text());
    }
  });
  page.on('request', (request) => {
    problems.requests.push({
      url: request.url(),
      method: request.method(),
      headers: request.headers(),
    });
  });
  page.on('response', (response) => {
    const type = response.request().resourceType();
    if (type !== 'fetch' && type !== 'xhr') return;
    response.text().then(
      (body) => problems.apiBodies.push(body),
      () => undefined,
    );
  });
  return { page, context, problems };
}

/** The `data-view` the device or sign-in page is showing once it shows `name`. */
export async function waitForView(page: Page, name: string): Promise<void> {
  await page.waitForSelector(`main[data-view="${name}"]`, { timeout: 15_000 });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical findings on the page as it is now. */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ target: node.target })),
    }));
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes
          .map((node) => node.target.join(' '))
          .join(', ')}`,
    );
}
