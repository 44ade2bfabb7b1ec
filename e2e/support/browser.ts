import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { REPO_ROOT } from './server.ts';

export const CHROMIUM = process.env.REDGRID_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(REPO_ROOT, 'e2e/.artifacts');

export const DESKTOP = { width: 1366, height: 900 } as const;
export const PHONE = { width: 375, height: 812 } as const;

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions thrown in the page so far. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Debian's Chromium through playwright-core, headless, with a fresh profile (passed as the first
 * argument: `--user-data-dir` in args is rejected) and the flags this closed network needs.
 */
export async function launchBrowser(options: { baseURL: string; viewport?: { width: number; height: number }; phone?: boolean }): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium fonts-wqy-microhei).`);
  }
  const profile = await mkdtemp(path.join(tmpdir(), 'redgrid-e2e-profile-'));
  const phone = options.phone ?? false;
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      baseURL: options.baseURL,
      viewport: options.viewport ?? (phone ? PHONE : DESKTOP),
      ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // MapLibre needs WebGL: software GL, as there is no GPU.
        '--use-gl=swiftshader',
        '--enable-unsafe-swiftshader',
      ],
    });
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
  return {
    context,
    page,
    pageErrors,
    async close() {
      try {
        await context.close();
      } finally {
        await rm(profile, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Saves a screenshot to e2e/.artifacts/<name>.png and returns its path: the full page, or only the
 * viewport (`fullPage: false`, for a drawer or dialog over a long list).
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true, animations: 'disabled' });
  return file;
}

/** Waits until the locator's first visible match is shown (playwright-core has no `expect`). */
export async function shown(locator: Locator, timeout = 30_000): Promise<Locator> {
  const first = locator.filter({ visible: true }).first();
  await first.waitFor({ state: 'visible', timeout });
  return first;
}

/** Signs in through the real login form. */
export async function fillLogin(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('用户名', { exact: true }).fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  // antd puts a space between two Chinese characters on a button: "登 录".
  await page.getByRole('button', { name: /^登\s*录$/ }).click();
}
