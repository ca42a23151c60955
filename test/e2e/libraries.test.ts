// End to end: the Libraries dashboard (issue 5) in Chromium against a real console process on
// the simulated small-lab tape estate (one 60-slot library, 2 IBM LTO-9 and 2 HPE LTO-8
// drives, emulated in process): mount an LTO-9 cartridge into an LTO-9 drive, see the drive
// table follow through the socket, a move the library refuses (code, message, sense), unmount,
// and what an auditor may not do. Needs client/dist (`npx vite build client`) and /usr/bin/chromium.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type RunningServer } from '../helpers/start-server-process.ts';
import { at, launchChromium, logIn, openPage, ROOT, SCREENSHOTS } from './browser.ts';
import { apiSession } from './sed-console.ts';

const ADMIN_PASSWORD = 'correct-horse-battery-libraries-e2e';
const AUDITOR = 'alex-auditor';
const AUDITOR_PASSWORD = 'auditor-password-e2e-1';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'client/dist/index.html'))) {
    throw new Error('client/dist/index.html does not exist: run `npx vite build client` first');
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startServerProcess({
    adminPassword: ADMIN_PASSWORD,
    env: { LOCKWARDEN_LOG_LEVEL: 'warn', LOCKWARDEN_SCENARIO: 'small-lab' },
  });
  // An auditor with a password of its own (the first one must be changed).
  const admin = await apiSession(server.url, 'admin', ADMIN_PASSWORD);
  const first = `${AUDITOR_PASSWORD}-first`;
  const created = await admin('POST', '/api/users', { username: AUDITOR, role: 'auditor', password: first });
  if (!created.ok) throw new Error(`create ${AUDITOR}: HTTP ${created.status} ${await created.text()}`);
  const auditor = await apiSession(server.url, AUDITOR, first);
  const changed = await auditor('POST', '/api/auth/password', {
    currentPassword: first,
    newPassword: AUDITOR_PASSWORD,
  });
  if (!changed.ok) throw new Error(`password of ${AUDITOR}: HTTP ${changed.status}`);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function shot(page: Page, file: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
}

const bay = (page: Page, serial: string, extra = ''): Locator =>
  page.locator(`[data-testid="drive-bay"][data-drive-serial="${serial}"]${extra}`);
const driveRow = (page: Page, serial: string, extra = ''): Locator =>
  page.locator(`tr[data-drive-serial="${serial}"]${extra}`);
const slot = (page: Page, address: number, extra = ''): Locator =>
  page.locator(`ol[data-kind="storage"] > li[data-address="${address}"]${extra}`);

async function openLibraries(page: Page, username: string, password: string): Promise<void> {
  await page.goto(server.url);
  await page.waitForURL(at('/login'));
  await logIn(page, username, password);
  await page.waitForURL(at('/fleet'));
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Libraries' }).click();
  await page.waitForURL(at('/libraries'));
  await page.locator('[data-testid="library"] ol[data-kind="storage"]').waitFor();
}

describe('libraries dashboard in Chromium', () => {
  it('mounts A00001L9 into an LTO-9 drive, shows a refused move, and unmounts it', async () => {
    const { context, page, problems } = await openPage(browser);
    try {
      await openLibraries(page, 'admin', ADMIN_PASSWORD);
      await page.locator('[data-testid="libraries-page"][data-live="joined"]').waitFor();

      // The small lab: one library, 60 slots (46 full), 5 I/E ports, 4 drives.
      const serial = await page.getByTestId('library-serial').innerText();
      expect(await page.locator('ol[data-kind="storage"] > li').count()).toBe(60);
      expect(await page.locator('ol[data-kind="import-export"] > li').count()).toBe(5);
      expect(await page.getByTestId('drive-bay').count()).toBe(4);
      expect(await page.locator('[data-count="slots"]').innerText()).toBe('46 / 60 full');
      expect(await page.locator('tbody tr[data-drive-serial]').count()).toBe(4);
      const lto9 = await page.locator('tbody tr[data-drive-serial]', { hasText: 'ULT3580-HH9' }).all();
      const lto8 = await page.locator('tbody tr[data-drive-serial]', { hasText: 'Ultrium 8-SCSI' }).all();
      expect([lto9.length, lto8.length]).toEqual([2, 2]);
      const [ibm1, ibm2] = await Promise.all(lto9.map((r) => r.getAttribute('data-drive-serial')));
      const [hpe1] = await Promise.all(lto8.map((r) => r.getAttribute('data-drive-serial')));

      // Mount A00001L9: the dialog offers the LTO-9 drives and not the LTO-8 ones.
      const home = Number(await page.locator('li[data-barcode="A00001L9"]').getAttribute('data-address'));
      await page.locator('li[data-barcode="A00001L9"]').getByRole('button').click();
      const mount = page.getByRole('dialog', { name: 'Mount A00001L9' });
      await mount.waitFor();
      expect(await mount.locator(`[data-drive-serial="${hpe1}"] input`).isDisabled()).toBe(true);
      expect(await mount.locator(`[data-drive-serial="${hpe1}"]`).innerText()).toContain('cannot read');
      expect(await mount.locator(`[data-drive-serial="${ibm1}"] input`).isChecked()).toBe(true);
      await mount.getByRole('button', { name: 'Mount', exact: true }).click();
      await mount.waitFor({ state: 'hidden' });

      // The bay shows the cartridge, its home slot shows where it went, and the drive table
      // follows through the socket (the page does not re-read drives after a move).
      await bay(page, ibm1!, '[data-barcode="A00001L9"]').waitFor();
      await slot(page, home, '[data-state="away"]').waitFor();
      await driveRow(page, ibm1!, '[data-loaded-barcode="A00001L9"]').waitFor();
      expect(await bay(page, ibm1!).getByTestId('bay-encryption').innerText()).toContain('not encrypting');
      expect(await page.locator('[data-count="drives"]').innerText()).toBe('1 / 4 loaded');
      await shot(page, path.join(SCREENSHOTS, 'libraries-mounted.png'));

      // A refused move: B00001L8 is headed for the other LTO-9 drive, which someone else fills
      // meanwhile. The library's refusal is shown with its code, message and sense.
      await page.locator('li[data-barcode="B00001L8"]').getByRole('button').click();
      const second = page.getByRole('dialog', { name: 'Mount B00001L8' });
      await second.waitFor();
      expect(await second.locator(`[data-drive-serial="${ibm2}"] input`).isChecked()).toBe(true);
      const admin = await apiSession(server.url, 'admin', ADMIN_PASSWORD);
      const elsewhere = await admin('POST', `/api/tape/libraries/${serial}/mount`, {
        barcode: 'A00002L9',
        driveSerial: ibm2,
      });
      expect(elsewhere.status).toBe(200);
      await second.getByRole('button', { name: 'Mount', exact: true }).click();
      const refusal = second.getByTestId('tape-move-error');
      await refusal.waitFor();
      expect(await refusal.getAttribute('data-code')).toBe('LIBRARY_DESTINATION_FULL');
      expect(await refusal.innerText()).toMatch(/Sense: 5\/3B\/0D/);
      await shot(page, path.join(SCREENSHOTS, 'libraries-refused.png'));
      await second.getByRole('button', { name: 'Cancel' }).click();
      await bay(page, ibm2!, '[data-barcode="A00002L9"]').waitFor();

      // Unmount A00001L9: it goes home; the drive table empties live.
      await bay(page, ibm1!).getByRole('button', { name: 'Unmount' }).click();
      const unmount = page.getByRole('dialog', { name: `Unmount A00001L9 from drive ${ibm1}?` });
      expect(await unmount.innerText()).toContain(`(element ${home}), where it came from`);
      await unmount.getByRole('button', { name: 'Unmount', exact: true }).click();
      await unmount.waitFor({ state: 'hidden' });
      await bay(page, ibm1!, '[data-full="false"]').waitFor();
      await slot(page, home, '[data-state="full"][data-barcode="A00001L9"]').waitFor();
      await page.locator(`tr[data-drive-serial="${ibm1}"]:not([data-loaded-barcode])`).waitFor();
      expect(await page.getByTestId('move-done').innerText()).toContain('A00001L9 was unmounted');
      await shot(page, '/tmp/libraries.png');

      expect(problems).toEqual([]);
    } catch (err) {
      await shot(page, path.join(SCREENSHOTS, 'libraries-failure.png')).catch(() => undefined);
      throw err;
    } finally {
      await context.close();
    }
  }, 180_000);

  // Runs after the first test, which left A00002L9 in a drive.
  it('shows an auditor the same map with no way to move cartridges', async () => {
    const { context, page, problems } = await openPage(browser);
    try {
      await openLibraries(page, AUDITOR, AUDITOR_PASSWORD);
      await page.locator('[data-testid="drive-bay"][data-barcode="A00002L9"]').waitFor();
      expect(await page.getByRole('button', { name: 'Refresh' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Unmount' }).count()).toBe(0);
      expect(await page.locator('ol[data-kind="storage"] button').count()).toBe(0);
      expect(await page.locator('li[data-barcode="B00001L8"]').getAttribute('title')).toContain(
        'B00001L8, LTO-8 data',
      );
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
