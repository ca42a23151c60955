// End to end: the issue-3 dashboard (keys, rotation, dual control, jobs, audit verification, the
// HSM as a device) against a real console process on its default SoftHSM2 token, in Chromium.
// Needs client/dist (`npx vite build client`; `npm test` builds it first) and /usr/bin/chromium.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type RunningServer } from '../helpers/start-server-process.ts';
import { at, launchChromium, logIn, openPage, ROOT, SCREENSHOTS } from './browser.ts';
import { createUser } from './sed-console.ts';

const ADMIN_PASSWORD = 'correct-horse-battery-keys-e2e';
const DOMAIN = 'library-e2e';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'client/dist/index.html'))) {
    throw new Error('client/dist/index.html does not exist: run `npx vite build client` first');
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startServerProcess({ adminPassword: ADMIN_PASSWORD, env: { LOCKWARDEN_LOG_LEVEL: 'warn' } });
  // Someone besides the admin who may approve: the approval policy refuses requests nobody could approve.
  await createUser(
    { url: server.url, adminPassword: ADMIN_PASSWORD },
    'sam',
    'security-officer',
    'approver-password-keys-e2e',
  );
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true, animations: 'disabled' });

async function go(page: Page, label: string, pathname: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: label, exact: true })
    .click();
  await page.waitForURL(at(pathname));
}

describe('keys dashboard in Chromium', () => {
  it('shows the HSM, creates and rotates a domain, requests destruction of v1 and verifies the audit chain', async () => {
    const { context, page, problems } = await openPage(browser);
    try {
      await page.goto(server.url);
      await page.waitForURL(at('/login'));
      await logIn(page, 'admin', ADMIN_PASSWORD);
      await page.waitForURL(at('/fleet'));

      // Fleet: the HSM as a device.
      const hsm = page.locator('[data-testid="hsm-device"][data-reachable="true"]');
      await hsm.waitFor();
      expect(await hsm.innerText()).toContain('Logged in');
      for (const mechanism of ['AES_KEY_WRAP', 'SHA256_HMAC'])
        expect(await hsm.locator(`[data-mechanism="${mechanism}"]`).innerText()).toContain('✓');
      expect(await page.getByTestId('hsm-latency').innerText()).toMatch(/ms$/);
      await shot(page, 'fleet.png');

      // Keys: the built-in domain, then a new one.
      await go(page, 'Keys', '/keys');
      await page.locator('[data-domain="sed-fleet"]').waitFor();
      await page.getByRole('button', { name: 'New key domain' }).click();
      const form = page.getByRole('form', { name: 'New key domain' });
      await form.getByLabel('Domain id').fill(DOMAIN);
      await form.getByLabel('Purpose').selectOption('tape');
      await form.getByLabel('Description').fill('Tape library used by the end-to-end test');
      await form.getByLabel('Rotation period (days)').fill('90');
      await form.getByRole('button', { name: 'Create domain' }).click();
      const card = page.locator(`[data-domain="${DOMAIN}"]`);
      await card.waitFor();
      expect(await card.getByTestId('active-kek').innerText()).toBe('v1');
      expect(await card.innerText()).toContain('every 90 days');

      // Rotate now: the confirmation names the domain and both versions; progress runs to the end.
      await card.getByRole('button', { name: 'Rotate now' }).click();
      const rotateDialog = page.getByRole('dialog', { name: `Rotate the KEK of ${DOMAIN}?` });
      await rotateDialog.waitFor();
      expect(await rotateDialog.innerText()).toMatch(/v2[\s\S]*library-e2e[\s\S]*v1/);
      await rotateDialog.getByRole('button', { name: 'Rotate to v2' }).click();
      await rotateDialog.waitFor({ state: 'hidden' });
      await card.locator('[data-testid="rotation"] [data-job-state="succeeded"]').waitFor();
      expect(await card.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
      await card.locator('tr[data-kek-version="2"][data-kek-state="active"]').waitFor();
      await card.locator('tr[data-kek-version="1"][data-kek-state="deactivated"]').waitFor();
      expect(await card.getByTestId('active-kek').innerText()).toBe('v2');

      // Request destruction of the deactivated v1: a reason is required; an approval appears.
      await card
        .locator('tr[data-kek-version="1"]')
        .getByRole('button', { name: 'Request destruction' })
        .click();
      const destroyDialog = page.getByRole('dialog', { name: `Request destruction of KEK v1 of ${DOMAIN}` });
      await destroyDialog.waitFor();
      const submit = destroyDialog.getByRole('button', { name: 'Request destruction' });
      expect(await submit.isDisabled()).toBe(true);
      await destroyDialog.getByLabel('Reason').fill('Retired by the end-to-end rotation');
      await submit.click();
      await destroyDialog.waitFor({ state: 'hidden' });
      const approval = page
        .getByTestId('approvals')
        .locator(`tr[data-approval-target="kek:${DOMAIN}:v1"][data-approval-state="pending"]`);
      await approval.waitFor();
      expect(await approval.innerText()).toContain('Retired by the end-to-end rotation');
      await card.locator('tr[data-kek-version="1"]').getByText('Destruction awaiting approval').waitFor();

      // The requester may not approve: the inbox offers no Approve on their own request, and says why.
      expect(await approval.getByRole('button', { name: 'Approve' }).count()).toBe(0);
      expect(await approval.getByTestId('approve-blocked').innerText()).toBe(
        'Your request: other approvers decide',
      );
      expect(await approval.getByRole('button', { name: 'Withdraw' }).count()).toBe(1);
      await shot(page, 'keys.png');

      // Jobs: the rotation, finished.
      await go(page, 'Jobs', '/jobs');
      await page.locator('tr[data-job-kind="kek.rotate"] [data-job-state="succeeded"]').first().waitFor();
      await shot(page, 'jobs.png');

      // Audit: the chain verifies, and the trail filters by action.
      await go(page, 'Audit', '/audit');
      await page.locator('tr[data-action="auth.login"]').first().waitFor();
      await page.getByRole('button', { name: 'Verify chain' }).click();
      const verdict = page.locator('[data-testid="verify-result"][data-ok="true"]');
      await verdict.waitFor();
      expect(await verdict.innerText()).toContain('Chain intact');
      await page.getByLabel('Action').fill('kek.rotate.request');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByText('shown (filtered)').waitFor();
      const actions = await page
        .locator('tbody tr[data-action]')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
      expect(actions.length).toBeGreaterThan(0);
      expect(new Set(actions)).toEqual(new Set(['kek.rotate.request']));
      await shot(page, 'audit-verify.png');

      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
