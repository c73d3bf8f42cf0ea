import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterEach, beforeEach } from 'vitest';
import { usePerSuite } from './per-suite.js';

/**
 * The console seen through a real browser: Debian's chromium driven by playwright-core (no browser download, no
 * network beyond 127.0.0.1). One browser per describe block, a fresh context (cookies, storage, viewport) per page.
 */

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-gpu',
  '--disable-quic',
];

export interface Viewport {
  readonly width: number;
  readonly height: number;
}

export const DESKTOP_VIEWPORT: Viewport = Object.freeze({ width: 1280, height: 800 });
export const PHONE_VIEWPORT: Viewport = Object.freeze({ width: 375, height: 740 });

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Where the README's console screenshots live; the suite refreshes them on every run. */
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'docs/console');

/** A generous bound for a page's own polling (2-5 s) plus a loaded 2-core machine. */
export const UI_TIMEOUT_MS = 60_000;

export const launchChromium = async (): Promise<Browser> => {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no browser at ${CHROMIUM_PATH}: install Debian's chromium: apt-get install chromium`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
};

/** What each open page showed when a test failed, next to the test's output: the first thing to look at. */
const saveFailureScreenshots = async (contexts: readonly BrowserContext[], testName: string): Promise<void> => {
  const pages = contexts.flatMap((browserContext) => browserContext.pages());
  const directory = await mkdtemp(path.join(os.tmpdir(), 'console-e2e-failure-'));
  for (const [index, page] of pages.entries()) {
    const file = path.join(directory, `page-${index + 1}.png`);
    await page.screenshot({ path: file, fullPage: true }).then(
      () => console.error(`the page at ${page.url()} when "${testName}" failed: ${file}`),
      (error: unknown) => console.error(`no screenshot of ${page.url()}: ${String(error)}`),
    );
  }
};

export interface SuiteBrowser {
  /** The started browser; throws a clear error when beforeAll could not start it. */
  readonly browser: () => Browser;
  /** A page in a context of its own (closed after the test), 1280x800 unless told otherwise. */
  readonly newPage: (viewport?: Viewport) => Promise<Page>;
}

/**
 * One chromium for a describe block, started in beforeAll and closed in afterAll; every page a test opens gets a fresh
 * context, closed in afterEach, so no token or state leaks from one test into the next. A failing test logs what its
 * pages printed to their consoles and where they were.
 */
export const useBrowserPerSuite = (): SuiteBrowser => {
  const started = usePerSuite('chromium', launchChromium, (browser) => browser.close());
  let contexts: BrowserContext[] = [];
  let pageLog: string[] = [];

  beforeEach((context) => {
    context.onTestFailed(() => {
      const open = contexts.flatMap((browserContext) => browserContext.pages().map((page) => `  page at ${page.url()}`));
      console.error(`\n--- the browser ---\n${[...open, ...pageLog.slice(-60)].join('\n')}\n`);
    });
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await saveFailureScreenshots(contexts, context.task.name);
    const closing = contexts;
    contexts = [];
    pageLog = [];
    await Promise.all(closing.map((browserContext) => browserContext.close().catch(() => undefined)));
  });

  const newPage = async (viewport: Viewport = DESKTOP_VIEWPORT): Promise<Page> => {
    const browserContext = await started.get().newContext({ viewport: { ...viewport } });
    contexts.push(browserContext);
    const page = await browserContext.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('console', (message) => pageLog.push(`  console.${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => pageLog.push(`  page error: ${error.message}`));
    page.on('requestfailed', (request) => pageLog.push(`  request failed: ${request.method()} ${request.url()}`));
    return page;
  };

  return { browser: started.get, newPage };
};

/**
 * Opens the console and submits its login form. Returns once the console shows its navigation (an admin) or an alert
 * (a refusal), whichever comes first; the caller asserts which. Fails clearly when the gateway serves no console.
 */
export const signInToConsole = async (page: Page, gatewayUrl: string, email: string, password: string): Promise<void> => {
  const response = await page.goto(`${gatewayUrl}/console/`);
  if (!response || response.status() !== 200) {
    const body = response ? (await response.text()).slice(0, 300) : 'no response';
    throw new Error(`GET ${gatewayUrl}/console/ answered ${response?.status() ?? '-'} (is the console built?): ${body}`);
  }
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await consoleNav(page).or(page.getByRole('alert')).first().waitFor({ state: 'visible' });
};

/** The console's navigation, shown only to a signed-in admin. */
export const consoleNav = (page: Page): Locator => page.getByRole('navigation', { name: 'Console' });

/** Writes `docs/console/<name>.png` (the README's screenshots): the whole page, as a reader would scroll it. */
export const saveScreenshot = async (page: Page, name: string): Promise<string> => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
};
