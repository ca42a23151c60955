// End to end: the Tapes dashboard (issue 6) in Chromium against a real console process on the
// simulated small-lab tape estate: define a pool (and see an overlapping one refused in the
// server's words), run the bulk-enrollment wizard over a barcode range and watch its job to the
// end, list, filter, mount with a key, scratch and retire cartridges, and upload a CSV with a
// bad line. Needs client/dist (`npx vite build client`) and /usr/bin/chromium.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type RunningServer } from '../helpers/start-server-process.ts';
import { at, launchChromium, logIn, openPage, ROOT, SCREENSHOTS } from './browser.ts';

const ADMIN_PASSWORD = 'correct-horse-battery-tapes-e2e';

let server: RunningServer;
let browser: Browser;
let tmp: string;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'client/dist/index.html'))) {
    throw new Error('client/dist/index.html does not exist: run `npx vite build client` first');
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lockwarden-tapes-e2e-'));
  server = await startServerProcess({
    adminPassword: ADMIN_PASSWORD,
    env: { LOCKWARDEN_LOG_LEVEL: 'warn', LOCKWARDEN_SCENARIO: 'small-lab' },
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function shot(page: Page, file: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
}

const row = (page: Page, barcode: string, extra = ''): Locator =>
  page.locator(`tr[data-barcode="${barcode}"]${extra}`);

describe('tapes dashboard in Chromium', () => {
  it('defines a pool, bulk-enrolls a range, lists, filters, mounts, scratches and retires cartridges', async () => {
    const { context, page, problems } = await openPage(browser);
    try {
      await page.goto(server.url);
      await page.waitForURL(at('/login'));
      await logIn(page, 'admin', ADMIN_PASSWORD);
      await page.waitForURL(at('/fleet'));
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tapes' }).click();
      await page.waitForURL(at('/tapes'));
      await page.locator('[data-testid="tapes-page"][data-live="joined"]').waitFor();
      await page.getByText('No pools yet.').waitFor();

      // A pool for the LTO-9 data range; an overlapping one is refused in the server's words.
      const pools = page.getByTestId('pools');
      await pools.getByRole('button', { name: 'New pool' }).click();
      const form = pools.getByRole('form', { name: /^New pool in library/ });
      await form.getByLabel('Name').fill('LTO-9 data');
      await form.getByLabel('From').fill('A00000L9');
      await form.getByLabel('To').fill('A00999L9');
      await form.getByRole('button', { name: 'Create pool' }).click();
      await pools.locator('tr[data-pool-name="LTO-9 data"]').waitFor();
      expect(await pools.locator('tr[data-pool-name="LTO-9 data"]').innerText()).toMatch(
        /A00000–A00999\s+L9\s+one key per cartridge\s+0/,
      );
      await pools.getByRole('button', { name: 'New pool' }).click();
      await form.getByLabel('Name').fill('Overlap');
      await form.getByLabel('From').fill('A00500L9');
      await form.getByLabel('To').fill('A01500L9');
      await form.getByRole('button', { name: 'Create pool' }).click();
      expect(await pools.getByRole('alert').innerText()).toContain('overlaps pool "LTO-9 data"');
      await pools.getByRole('button', { name: 'Cancel' }).click();

      // The wizard: a range of 100, previewed, started, followed live to its end.
      await page.getByRole('button', { name: 'Enroll cartridges' }).click();
      const wizard = page.getByTestId('enroll-wizard');
      await wizard.getByLabel(/^Barcode range/).check();
      await wizard.getByLabel('From', { exact: true }).fill('A00001L9');
      await wizard.getByLabel('To', { exact: true }).fill('A00100L9');
      await wizard.getByRole('button', { name: 'Preview' }).click();
      const preview = wizard.getByTestId('enroll-preview');
      await preview.waitFor();
      expect(await preview.locator('[data-count="total"]').innerText()).toBe('100');
      expect(await preview.locator('[data-count="to-enroll"]').innerText()).toBe('100');
      expect(await wizard.locator('tr', { hasText: 'LTO-9 data' }).innerText()).toMatch(/100$/);
      await shot(page, path.join(SCREENSHOTS, 'tapes-wizard-preview.png'));
      await wizard.getByRole('button', { name: 'Enroll 100 cartridges' }).click();
      const summary = wizard.locator('[data-testid="enroll-summary"][data-state="succeeded"]');
      await summary.waitFor({ timeout: 60_000 });
      expect(await summary.innerText()).toContain('100 cartridges enrolled');
      expect(await wizard.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
      expect(await wizard.locator('[data-stat="failed"]').innerText()).toBe('0');
      expect(await wizard.locator('[data-stat="rate"]').innerText()).toMatch(/cartridges\/s$/);

      // The cartridges, read again as the job ends: 50 a page, each with an active key of its own.
      await page.getByTestId('cartridge-count').filter({ hasText: '1–50 of 100 cartridges' }).waitFor();
      await shot(page, '/tmp/tapes-wizard.png');
      expect(await page.locator('tbody tr[data-barcode]').count()).toBe(50);
      await row(page, 'A00001L9', '[data-state="enrolled"][data-key-state="active"]').waitFor();
      expect(await row(page, 'A00001L9').getByTestId('key-ref').innerText()).toMatch(/^LW-[0-9A-F]{16}$/);
      await pools
        .locator('tr[data-pool-name="LTO-9 data"] [data-testid="pool-cartridges"]')
        .filter({ hasText: /^100$/ })
        .waitFor();

      // Mount with its key: the drive is given the cartridge's key reference.
      const keyRef = await row(page, 'A00002L9').getByTestId('key-ref').innerText();
      await row(page, 'A00002L9').getByRole('button', { name: 'Mount with key' }).click();
      const mount = page.getByRole('dialog', { name: 'Mount A00002L9 with its key' });
      await mount.waitFor();
      await mount.locator('[data-drive-serial] input:checked').waitFor();
      await mount.screenshot({ path: path.join(SCREENSHOTS, 'tapes-mount.png'), animations: 'disabled' });
      await mount.getByRole('button', { name: 'Mount', exact: true }).click();
      await mount.waitFor({ state: 'hidden', timeout: 30_000 });
      expect(await page.getByTestId('cartridge-done').innerText()).toContain(`with key ${keyRef}`);
      await row(page, 'A00002L9', '[data-state="in-use"]').waitFor();

      // Filter by barcode prefix, then scratch one and retire another (behind a confirmation).
      const filters = page.getByRole('form', { name: 'Filter cartridges' });
      await filters.getByLabel('Barcode starts with').fill('a0005');
      await filters.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByTestId('cartridge-count').filter({ hasText: '1–10 of 10 cartridges' }).waitFor();
      expect(await page.locator('tbody tr[data-barcode]').count()).toBe(10);
      await row(page, 'A00050L9').getByRole('button', { name: 'Scratch' }).click();
      await row(page, 'A00050L9', '[data-state="scratched"]').waitFor();
      expect(await page.getByTestId('cartridge-done').innerText()).toContain('A00050L9 is scratched');
      await row(page, 'A00051L9').getByRole('button', { name: 'Retire' }).click();
      const retire = page.getByRole('dialog', { name: 'Retire A00051L9?' });
      await retire.getByRole('button', { name: 'Retire', exact: true }).click();
      await retire.waitFor({ state: 'hidden' });
      await row(page, 'A00051L9', '[data-state="retired"][data-key-state="deactivated"]').waitFor();
      await shot(page, '/tmp/tapes.png');

      // A CSV with a bad line: the preview lists it by line and nothing is enrolled.
      const csv = path.join(tmp, 'bad-tapes.csv');
      writeFileSync(csv, 'barcode\nA00101L9\nnot-a-barcode\nA00102L9\n');
      await wizard.getByRole('button', { name: 'Enroll more' }).click();
      await wizard.getByLabel(/^CSV file/).check();
      await wizard.locator('input[type="file"]').setInputFiles(csv);
      await wizard.getByText('bad-tapes.csv: 4 non-empty lines.').waitFor();
      await wizard.getByRole('button', { name: 'Preview' }).click();
      const lines = wizard.getByTestId('enroll-error-line');
      await lines.first().waitFor();
      expect(await wizard.getByTestId('enroll-error').getAttribute('data-code')).toBe('VALIDATION_FAILED');
      expect(await lines.allInnerTexts()).toEqual([expect.stringMatching(/^line 3 /)]);
      expect(await wizard.getByRole('button', { name: /^Enroll \d/ }).count()).toBe(0);
      await shot(page, path.join(SCREENSHOTS, 'tapes-csv-error.png'));

      expect(problems).toEqual([]);
    } catch (err) {
      await shot(page, path.join(SCREENSHOTS, 'tapes-failure.png')).catch(() => undefined);
      throw err;
    } finally {
      await context.close();
    }
  }, 180_000);
});
