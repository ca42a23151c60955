// End to end: crypto-erase at retirement (issue 7) in Chromium as two people against a real
// console process on the simulated small-lab tape estate. Olivia (operator) asks for a
// crypto-shred of one cartridge from the Tapes page; Sam (security officer) approves it in the
// Approvals inbox; Olivia watches it run to completion live on the Erase schedule; Sam downloads
// the signed certificate. Needs client/dist (`npx vite build client`) and /usr/bin/chromium.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type RunningServer } from '../helpers/start-server-process.ts';
import { at, launchChromium, logIn, openPage, ROOT, SCREENSHOTS } from './browser.ts';
import { apiSession } from './sed-console.ts';

const ADMIN_PASSWORD = 'correct-horse-battery-erase-e2e';
const OPERATOR = 'olivia';
const OPERATOR_PASSWORD = 'requester-password-e2e-1';
const OFFICER = 'sam';
const OFFICER_PASSWORD = 'approver-password-e2e-1';
const BARCODE = 'A00001L9';
const REASON = 'Archive of 2019 expired; cartridge leaves service';

let server: RunningServer;
let browser: Browser;

type Api = Awaited<ReturnType<typeof apiSession>>;

async function ok(res: Promise<Response>, what: string): Promise<unknown> {
  const r = await res;
  if (!r.ok) throw new Error(`${what}: HTTP ${r.status} ${await r.text()}`);
  return r.status === 204 ? undefined : r.json();
}

/** Creates a user and sets its first password, so the browser can log in without the change step. */
async function createUser(admin: Api, username: string, role: string, password: string): Promise<void> {
  const first = `${password}-first`;
  await ok(admin('POST', '/api/users', { username, role, password: first }), `create ${username}`);
  const user = await apiSession(server.url, username, first);
  await ok(
    user('POST', '/api/auth/password', { currentPassword: first, newPassword: password }),
    `password of ${username}`,
  );
}

/** A pool over the LTO-9 range and five enrolled cartridges, A00001L9–A00005L9. */
async function enrollCartridges(admin: Api): Promise<void> {
  const { libraries } = (await ok(admin('POST', '/api/tape/refresh'), 'tape refresh')) as {
    libraries: { serial: string | null }[];
  };
  const serial = libraries.find((l) => l.serial)?.serial;
  if (!serial) throw new Error('The small-lab scenario shows no tape library');
  await ok(
    admin('POST', `/api/tape/libraries/${serial}/pools`, {
      name: 'LTO-9 archive',
      selector: { kind: 'range', from: 'A00000L9', to: 'A00999L9' },
    }),
    'create pool',
  );
  const { job } = (await ok(
    admin('POST', '/api/tape/enrollments', {
      librarySerial: serial,
      source: { kind: 'range', from: 'A00001L9', to: 'A00005L9' },
    }),
    'enroll',
  )) as { job: { id: string } };
  for (let i = 0; i < 120; i++) {
    const state = ((await ok(admin('GET', `/api/jobs/${job.id}`), 'job')) as { state: string }).state;
    if (state === 'succeeded') return;
    if (state === 'failed' || state === 'cancelled') throw new Error(`enrollment job ${state}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('enrollment did not finish in 30 s');
}

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'client/dist/index.html'))) {
    throw new Error('client/dist/index.html does not exist: run `npx vite build client` first');
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startServerProcess({
    adminPassword: ADMIN_PASSWORD,
    env: { LOCKWARDEN_LOG_LEVEL: 'warn', LOCKWARDEN_SCENARIO: 'small-lab' },
  });
  const admin = await apiSession(server.url, 'admin', ADMIN_PASSWORD);
  await createUser(admin, OPERATOR, 'operator', OPERATOR_PASSWORD);
  await createUser(admin, OFFICER, 'security-officer', OFFICER_PASSWORD);
  await enrollCartridges(admin);
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

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(server.url);
  await page.waitForURL(at('/login'));
  await logIn(page, username, password);
  await page.waitForURL(at('/fleet'));
}

async function go(page: Page, label: string, pathname: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: label, exact: true })
    .click();
  await page.waitForURL(at(pathname));
}

describe('crypto-erase dashboard in Chromium, as two people', () => {
  it('requests a crypto-shred, approves it as a second person, follows it live and downloads the certificate', async () => {
    const requester = await openPage(browser);
    const approver = await openPage(browser);
    const olivia = requester.page;
    const sam = approver.page;
    try {
      // Olivia asks for a crypto-shred of one cartridge, now, from its row on the Tapes page.
      await signIn(olivia, OPERATOR, OPERATOR_PASSWORD);
      expect(await olivia.getByRole('navigation', { name: 'Main' }).innerText()).not.toContain('Approvals');
      await go(olivia, 'Tapes', '/tapes');
      const row = olivia.locator(`tr[data-barcode="${BARCODE}"]`);
      await row.getByRole('button', { name: 'Crypto-shred…' }).click();
      const dialog = olivia.getByRole('dialog', { name: `Crypto-erase cartridge ${BARCODE}` });
      await dialog.waitFor();
      expect(await dialog.getByLabel('Crypto-shred').isChecked()).toBe(true);
      expect(await dialog.getByLabel('Now, as soon as it is approved').isChecked()).toBe(true);
      const send = dialog.getByRole('button', { name: 'Request erase' });
      expect(await send.isDisabled()).toBe(true); // no reason yet
      // The maintenance-window choice previews its next opening.
      await dialog.getByLabel('In the next maintenance window').check();
      await dialog.getByLabel('Time zone').selectOption('Europe/Berlin');
      expect(await dialog.getByTestId('window-preview').innerText()).toMatch(
        /^Next window 0 2 \* \* SAT Europe\/Berlin → Sat \d+ \w+ 02:00 CES?T, if approved before then\.$/,
      );
      await dialog.getByLabel('Now, as soon as it is approved').check();
      await dialog.getByLabel('Reason').fill(REASON);
      await dialog.screenshot({ path: path.join(SCREENSHOTS, 'erase-dialog.png'), animations: 'disabled' });
      await send.click();
      const created = olivia.getByRole('dialog', { name: 'Erase requested: awaiting approval' });
      await created.waitFor();
      expect(await created.innerText()).toMatch(/awaiting approval[\s\S]*Crypto-shred of 1 cartridge/);
      await created.getByRole('link', { name: 'Open the Erase schedule' }).click();
      await olivia.waitForURL(at('/erase'));
      await olivia.locator('[data-testid="erase-page"][data-live="joined"]').waitFor();
      const waiting = olivia
        .getByTestId('erase-awaiting')
        .locator('[data-erase-state="pending-approval"]', { hasText: 'Crypto-shred · 1 cartridge' });
      await waiting.waitFor();
      await waiting
        .filter({ hasText: /now, as soon as approved[\s\S]*waiting for a second person/ })
        .waitFor();
      const requestId = await waiting.getAttribute('data-erase-request');

      // Sam sees it in the Approvals inbox, in words, and approves it with a note.
      await signIn(sam, OFFICER, OFFICER_PASSWORD);
      await go(sam, 'Approvals', '/approvals');
      const approval = sam.locator(
        `tr[data-approval-target="erase:${requestId}"][data-approval-state="pending"]`,
      );
      await approval.waitFor();
      const text = await approval.innerText();
      for (const part of [
        'Crypto-erase',
        'Crypto-shred · 1 cartridge',
        BARCODE,
        'now, as soon as approved',
        REASON,
      ])
        expect(text).toContain(part);
      await shot(sam, path.join(SCREENSHOTS, 'erase-approvals.png'));
      await approval.getByRole('button', { name: 'Approve' }).click();
      const approve = sam.getByRole('dialog', { name: 'Approve: Crypto-shred · 1 cartridge' });
      await approve.waitFor();
      expect(await approve.innerText()).toContain('by serial or barcode, and no others');
      await approve.screenshot({ path: path.join(SCREENSHOTS, 'erase-approve.png'), animations: 'disabled' });
      await approve.getByLabel('Note for the audit trail').fill('Checked against the retention list');
      await approve.getByRole('button', { name: 'Approve erase' }).click();
      await approve.waitFor({ state: 'hidden', timeout: 30_000 });

      // Olivia's page follows it live (no reload): scheduled, run, completed, one certificate.
      const done = olivia
        .getByTestId('erase-timeline')
        .locator(`[data-erase-request="${requestId}"][data-erase-state="completed"]`);
      await done.waitFor({ timeout: 60_000 });
      expect(await done.innerText()).toMatch(/requested by olivia \(you\) · approved by sam/);
      await done.getByRole('button', { name: 'Details' }).click();
      const item = done.locator(`tr[data-erase-item="${BARCODE}"][data-item-state="erased"]`);
      await item.waitFor();
      expect(await item.innerText()).toMatch(/verified/);
      // Operators see that it was issued; certificates are for security officers and auditors.
      await item.getByTestId('certificate-issued').waitFor();
      await shot(olivia, path.join(SCREENSHOTS, 'erase-operator.png'));

      // Sam opens the same request and downloads the signed certificate.
      await go(sam, 'Erase schedule', '/erase');
      const samDone = sam.locator(`[data-erase-request="${requestId}"][data-erase-state="completed"]`);
      await samDone.getByRole('button', { name: 'Details' }).click();
      const link = samDone.locator(`tr[data-erase-item="${BARCODE}"]`).getByTestId('certificate-json');
      await link.waitFor();
      await shot(sam, '/tmp/erase.png');
      const [download] = await Promise.all([sam.waitForEvent('download'), link.click()]);
      expect(download.suggestedFilename()).toMatch(/^certificate-.+\.json$/);
      const cert = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
        document: { media: { serialNumber: string }; people: { requester: string; approvers: string[] } };
        signature: { alg: string };
      };
      expect(cert.document.media.serialNumber).toBe(BARCODE);
      expect(cert.document.people).toMatchObject({ requester: OPERATOR, approvers: [OFFICER] });
      expect(cert.signature.alg).toBe('ES256');

      expect(requester.problems).toEqual([]);
      expect(approver.problems).toEqual([]);
    } catch (err) {
      await shot(olivia, path.join(SCREENSHOTS, 'erase-failure-olivia.png')).catch(() => undefined);
      await shot(sam, path.join(SCREENSHOTS, 'erase-failure-sam.png')).catch(() => undefined);
      throw err;
    } finally {
      await requester.context.close();
      await approver.context.close();
    }
  }, 240_000);
});
