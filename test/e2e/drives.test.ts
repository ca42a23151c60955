// End to end: the Drives dashboard (issue 4) in Chromium against a real console process on the
// simulated small-lab fleet: discover, enroll (one, and a selection with an OEM-owned trap), a
// refused lock, lock, unlock, power loss → unlock all, the drive page, and break-glass approved
// by a second person. Needs client/dist (`npx vite build client`) and /usr/bin/chromium.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, launchChromium, logIn, openPage, ROOT, SCREENSHOTS } from './browser.ts';
import { createUser, startSedConsole, type SedConsole } from './sed-console.ts';

const ADMIN_PASSWORD = 'correct-horse-battery-drives-e2e';
const OFFICER = 'sam-officer';
const OFFICER_PASSWORD = 'officer-password-e2e-1';
const OPERATOR = 'olga-operator';
const OPERATOR_PASSWORD = 'operator-password-e2e-1';
const HOST = 'lab-01';

let console_: SedConsole;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'client/dist/index.html'))) {
    throw new Error('client/dist/index.html does not exist: run `npx vite build client` first');
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  console_ = await startSedConsole(ADMIN_PASSWORD);
  await createUser(console_, OFFICER, 'security-officer', OFFICER_PASSWORD);
  await createUser(console_, OPERATOR, 'operator', OPERATOR_PASSWORD);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await console_?.stop();
});

async function shot(page: Page, name: string): Promise<void> {
  // Full-page shots keep the sticky header and sidebar where the page was scrolled to.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true, animations: 'disabled' });
}

/** The row of the drive at `device` on the lab host. */
const row = (page: Page, device: string, extra = ''): Locator =>
  page.locator(`tr[data-device-path="${HOST}:${device}"]${extra}`);

async function identity(page: Page, device: string): Promise<{ model: string; serial: string }> {
  const r = row(page, device);
  return {
    model: (await r.getByRole('link').innerText()).trim(),
    serial: (await r.getAttribute('data-drive-serial')) ?? '',
  };
}

/** Opens the dialog named `heading`, checks it names every string in `names`, confirms. */
async function confirm(
  page: Page,
  heading: string | RegExp,
  button: string,
  names: string[],
): Promise<Locator> {
  const dialog = page.getByRole('dialog', { name: heading });
  await dialog.waitFor();
  const text = await dialog.innerText();
  for (const name of names) expect(text).toContain(name);
  await dialog.getByRole('button', { name: button, exact: true }).click();
  return dialog;
}

describe('drives dashboard in Chromium', () => {
  it('discovers, enrolls, locks and unlocks drives, unlocks all after a power loss, and reveals once with approval', async () => {
    const admin = await openPage(browser);
    const officer = await openPage(browser);
    const { page } = admin;
    try {
      await page.goto(console_.url);
      await page.waitForURL(at('/login'));
      await logIn(page, 'admin', ADMIN_PASSWORD);
      await page.waitForURL(at('/fleet'));
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Drives' }).click();
      await page.waitForURL(at('/drives'));

      // Discover: the lab's drives, the Enterprise one unsupported.
      await page.getByRole('button', { name: 'Discover' }).click();
      await page.getByTestId('discovery-result').waitFor();
      await row(page, '/dev/nvme0', '[data-drive-state="discovered"]').waitFor();
      await row(page, '/dev/sdg', '[data-drive-state="unsupported"]').waitFor();
      const a = await identity(page, '/dev/nvme0');
      const b = await identity(page, '/dev/sda');
      const c = await identity(page, '/dev/nvme1');
      const trap = await identity(page, '/dev/nvme2');

      // Enroll one from its row: the confirmation names it by model and serial.
      await row(page, '/dev/nvme0').getByRole('button', { name: 'Enroll' }).click();
      await (
        await confirm(page, `Enroll: ${a.model} ${a.serial}?`, 'Enroll', [a.model, a.serial])
      ).waitFor({
        state: 'hidden',
      });
      await row(page, '/dev/nvme0', '[data-drive-state="enrolled"]').waitFor();
      expect(await row(page, '/dev/nvme0').innerText()).toContain('escrowed');

      // Enroll a selection of three, one of them OEM-owned: the dialog lists all three, each is
      // queued, and the owned one ends enroll-failed with the server's reason in its row.
      for (const d of [b, c, trap])
        await page.getByRole('checkbox', { name: `Select ${d.model} ${d.serial}` }).check();
      await page.getByTestId('selection-bar').getByRole('button', { name: 'Enroll (3)' }).click();
      await confirm(page, 'Enroll: 3 drives?', 'Enroll 3 drives', [b.serial, c.serial, trap.serial]);
      const results = page.getByTestId('action-results');
      await results.waitFor();
      expect(await results.locator('[data-outcome="ok"]').count()).toBe(3);
      await row(page, '/dev/sda', '[data-drive-state="enrolled"]').waitFor();
      await row(page, '/dev/nvme1', '[data-drive-state="enrolled"]').waitFor();
      await row(page, '/dev/nvme2', '[data-drive-state="enroll-failed"]').waitFor();
      expect(await row(page, '/dev/nvme2').innerText()).toContain('already owned');

      // A lock the drive refuses: the dialog stays open with the server's code and message.
      await console_.sedsim('--host', HOST, 'fault', '/dev/nvme0', 'status', 'NOT_AUTHORIZED', '3');
      await row(page, '/dev/nvme0').getByRole('button', { name: 'Lock' }).click();
      const refused = await confirm(page, `Lock: ${a.model} ${a.serial}?`, 'Lock', [a.serial]);
      const alert = refused.getByRole('alert');
      await alert.waitFor();
      expect(await alert.innerText()).toMatch(/^SED_[A-Z_]+: /);
      await shot(page, 'drives-refused.png');
      await refused.getByRole('button', { name: 'Cancel' }).click();
      await console_.sedsim('--host', HOST, 'fault', '/dev/nvme0', 'clear');

      // Lock, then unlock.
      await row(page, '/dev/nvme0').getByRole('button', { name: 'Lock' }).click();
      await confirm(page, `Lock: ${a.model} ${a.serial}?`, 'Lock', [a.serial]);
      await row(page, '/dev/nvme0', '[data-locked="true"]').waitFor();
      await row(page, '/dev/nvme0').getByRole('button', { name: 'Unlock' }).click();
      await confirm(page, `Unlock: ${a.model} ${a.serial}?`, 'Unlock', [a.serial]);
      await row(page, '/dev/nvme0', '[data-locked="false"]').waitFor();

      // Power loss: the enrolled drives lock themselves; discovery shows it; unlock all.
      await console_.sedsim('--host', HOST, 'power-cycle', '--all');
      await page.getByRole('button', { name: 'Discover' }).click();
      for (const device of ['/dev/nvme0', '/dev/sda', '/dev/nvme1'])
        await row(page, device, '[data-locked="true"]').waitFor();
      await page.getByRole('button', { name: 'Discover', exact: true }).waitFor();
      const unlockAll = page.getByTestId('unlock-all');
      await unlockAll.getByLabel('Host').fill(HOST);
      await unlockAll.getByRole('button', { name: `Unlock all on ${HOST}` }).click();
      await confirm(page, `Unlock every enrolled drive on ${HOST}?`, 'Unlock all', []);
      await unlockAll.locator('[data-job-state="succeeded"]').waitFor();
      expect(await unlockAll.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
      expect(await unlockAll.getByTestId('unlock-all-summary').innerText()).toContain(
        '3 unlocked, 0 refused',
      );
      await unlockAll.getByRole('button', { name: 'Show every drive' }).click();
      expect(await unlockAll.locator('[data-unlock-result="ok"]').count()).toBe(3);
      for (const device of ['/dev/nvme0', '/dev/sda', '/dev/nvme1'])
        await row(page, device, '[data-locked="false"]').waitFor();
      await shot(page, 'drives.png');

      // The drive page: identity, ranges, credential state, history.
      await row(page, '/dev/nvme0').getByRole('link', { name: a.model }).click();
      await page.waitForURL((url) => url.pathname.startsWith('/drives/'));
      expect(await page.getByTestId('drive-serial').innerText()).toBe(a.serial);
      expect(await page.getByTestId('drive-credentials').innerText()).toBe('escrowed');
      // Ranges: read with Admin1 at enrollment, and again on request; the global range enforces locking.
      await page.getByRole('heading', { name: 'Locking ranges' }).waitFor();
      await page.getByTestId('read-ranges').click();
      await page.getByRole('button', { name: 'Read ranges' }).waitFor();
      const global = page.locator('tr[data-range="0"]');
      expect((await global.locator('td').allInnerTexts()).slice(3)).toEqual(['yes', 'yes', 'open', 'open']);
      await page.locator('tr[data-action="sed.unlock"]').first().waitFor();
      expect(await page.locator('tr[data-action="sed.lock"]').count()).toBeGreaterThan(0);
      expect(await page.locator('tr[data-action="sed.enroll"]').count()).toBeGreaterThan(0);

      // Break-glass: request with a reason; a second person approves; the requester reveals once.
      const glass = page.getByTestId('break-glass');
      await glass.getByRole('button', { name: 'Request break-glass' }).click();
      const request = page.getByRole('dialog', { name: `Request break-glass for ${a.model} ${a.serial}` });
      await request.getByLabel('Reason').fill('Console host down, data needed from the drive');
      await request.getByRole('button', { name: 'Request approval' }).click();
      await request.waitFor({ state: 'hidden' });
      await page.locator('[data-testid="break-glass"][data-phase="waiting"]').waitFor();

      await officer.page.goto(`${console_.url}${new URL(page.url()).pathname}`);
      await officer.page.waitForURL(at('/login'));
      await logIn(officer.page, OFFICER, OFFICER_PASSWORD);
      await officer.page.waitForURL((url) => url.pathname.startsWith('/drives/'));
      await officer.page
        .locator(`tr[data-approval-target="sed:${a.serial}"][data-approval-state="pending"]`)
        .getByRole('button', { name: 'Approve' })
        .click();
      const approve = officer.page.getByRole('dialog', { name: `Approve: sed:${a.serial}` });
      expect(await approve.innerText()).toContain('Admin1 password once');
      await approve.getByRole('button', { name: 'Approve and run' }).click();
      await approve.waitFor({ state: 'hidden' });

      await page.locator('[data-testid="break-glass"][data-phase="ready"]').waitFor();
      await glass.getByRole('button', { name: 'Reveal password once' }).click();
      const reveal = await confirm(
        page,
        `Reveal the Admin1 password of ${a.model} ${a.serial}?`,
        'Reveal once',
        [],
      );
      await reveal.waitFor({ state: 'hidden' });
      const shown = page.getByTestId('break-glass-reveal');
      await shown.waitFor();
      expect(await shown.innerText()).toContain("Shown once; rotate this drive's credentials afterwards.");
      const password = await page.getByTestId('revealed-password').innerText();
      expect(password.length).toBeGreaterThan(8);
      expect(await page.getByTestId('unlock-command').innerText()).toContain(
        `sedutil-cli --setLockingRange 0 RW '${password}'`,
      );
      await page.locator('[data-testid="break-glass"][data-phase="used"]').waitFor();
      await page.locator('tr[data-action="sed.break-glass.reveal"]').first().waitFor();
      await shot(page, 'drive-detail.png');

      // Hidden again, it is gone from the page.
      await shown.getByRole('button', { name: 'Hide it now' }).click();
      expect(await page.content()).not.toContain(password);

      expect(admin.problems).toEqual([]);
      expect(officer.problems).toEqual([]);
    } catch (err) {
      await shot(page, 'drives-failure.png').catch(() => undefined);
      throw err;
    } finally {
      await admin.context.close();
      await officer.context.close();
    }
  }, 240_000);

  // Runs after the first test, which enrolled /dev/sda.
  it('lets an operator operate but not rotate, and reveal once after someone else approved', async () => {
    const operator = await openPage(browser);
    const officer = await openPage(browser);
    const { page } = operator;
    try {
      await page.goto(`${console_.url}/drives`);
      await page.waitForURL(at('/login'));
      await logIn(page, OPERATOR, OPERATOR_PASSWORD);
      await page.waitForURL(at('/drives'));
      const { model, serial } = await identity(page, '/dev/sda');
      await row(page, '/dev/sda').getByRole('link', { name: model }).click();
      await page.waitForURL((url) => url.pathname.startsWith('/drives/'));
      const toolbar = page.getByRole('toolbar', { name: 'Drive actions' });
      await toolbar.getByRole('button', { name: 'Lock', exact: true }).waitFor();
      expect(await toolbar.getByRole('button', { name: 'Rotate credentials' }).count()).toBe(0);
      expect(await page.getByTestId('approvals').count()).toBe(0);
      await page.getByText('Your role cannot read the audit trail').waitFor();

      // Asking before approval: the server's refusal is shown, nothing is revealed.
      const glass = page.getByTestId('break-glass');
      await glass.getByRole('button', { name: 'Request break-glass' }).click();
      const request = page.getByRole('dialog', { name: `Request break-glass for ${model} ${serial}` });
      await request.getByLabel('Reason').fill('Rescue boot of the storage host');
      await request.getByRole('button', { name: 'Request approval' }).click();
      await request.waitFor({ state: 'hidden' });
      await glass.getByText('Your role cannot see approval decisions').waitFor();
      await glass.getByRole('button', { name: 'Reveal password once' }).click();
      const early = await confirm(
        page,
        `Reveal the Admin1 password of ${model} ${serial}?`,
        'Reveal once',
        [],
      );
      const refusal = early.getByRole('alert');
      await refusal.waitFor();
      expect(await refusal.innerText()).toContain('not approved');
      await early.getByRole('button', { name: 'Cancel' }).click();

      // A security officer approves from the drive page; the operator reveals.
      await officer.page.goto(`${console_.url}${new URL(page.url()).pathname}`);
      await logIn(officer.page, OFFICER, OFFICER_PASSWORD);
      await officer.page
        .locator(`tr[data-approval-target="sed:${serial}"][data-approval-state="pending"]`)
        .getByRole('button', { name: 'Approve' })
        .click();
      const approve = officer.page.getByRole('dialog', { name: `Approve: sed:${serial}` });
      await approve.getByRole('button', { name: 'Approve and run' }).click();
      await approve.waitFor({ state: 'hidden' });

      await glass.getByRole('button', { name: 'Reveal password once' }).click();
      await confirm(page, `Reveal the Admin1 password of ${model} ${serial}?`, 'Reveal once', []);
      await page.getByTestId('break-glass-reveal').waitFor();
      expect(await page.getByTestId('unlock-command').innerText()).toContain('/dev/sda');
      await page.locator('[data-testid="break-glass"][data-phase="used"]').waitFor();

      expect(operator.problems).toEqual([]);
      expect(officer.problems).toEqual([]);
    } catch (err) {
      await shot(page, 'drives-operator-failure.png').catch(() => undefined);
      throw err;
    } finally {
      await operator.context.close();
      await officer.context.close();
    }
  }, 120_000);
});
