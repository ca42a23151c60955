// End to end: the built dashboard served by a real console process, driven by headless Chromium.
// Needs client/dist (`npx vite build client`; `npm test` builds it first) and /usr/bin/chromium.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type RunningServer } from '../helpers/start-server-process.ts';
import {
  at,
  launchChromium,
  logIn as logInAs,
  openPage as openPageIn,
  ROOT,
  SCREENSHOTS,
} from './browser.ts';

const ADMIN_PASSWORD = 'correct-horse-battery-e2e';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'client/dist/index.html'))) {
    throw new Error('client/dist/index.html does not exist: run `npx vite build client` first');
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startServerProcess({
    adminPassword: ADMIN_PASSWORD,
    env: { LOCKWARDEN_LOG_LEVEL: 'warn' },
  });
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const openPage = () => openPageIn(browser);
const logIn = (page: Page, password: string) => logInAs(page, 'admin', password);

describe('dashboard in Chromium', () => {
  it('shows the server’s message for a wrong password', async () => {
    const { context, page, problems } = await openPage();
    try {
      await page.goto(server.url);
      await page.waitForURL(at('/login'));
      await logIn(page, 'not-the-password');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.innerText()).toContain('Invalid username or password');
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'login-error.png') });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('logs in, shows the shell and the audit trail, and logs out', async () => {
    const { context, page, problems } = await openPage();
    try {
      await page.goto(server.url);
      await page.waitForURL(at('/login'));
      await logIn(page, ADMIN_PASSWORD);
      await page.waitForURL(at('/fleet'));

      const nav = page.getByRole('navigation', { name: 'Main' });
      for (const item of ['Fleet', 'Drives', 'Tapes', 'Keys', 'Jobs', 'Audit', 'Settings'])
        await nav.getByRole('link', { name: item, exact: true }).waitFor();
      expect(await page.getByTestId('current-user').innerText()).toMatch(/admin\s+admin/);
      await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
      await page.locator('[data-device-class="hsm"]').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'shell.png') });

      await nav.getByRole('link', { name: 'Audit', exact: true }).click();
      await page.waitForURL(at('/audit'));
      const loginEvent = page.locator('tr[data-action="auth.login"]').first();
      await loginEvent.waitFor();
      expect(await loginEvent.innerText()).toContain('admin');
      await page.getByText('New events appear at the top as they happen').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'audit.png') });

      // A reload keeps the session (cookie + GET /api/auth/session).
      await page.reload();
      await page.locator('tr[data-action="auth.login"]').first().waitFor();

      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(at('/login'));
      await page.getByLabel('Username').waitFor();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
