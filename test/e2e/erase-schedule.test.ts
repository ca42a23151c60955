// End to end (issue 7, "Done when"): scheduled crypto-erase in Chromium as two people, against
// the whole console running in process on a clock the test moves. Olivia (operator) asks for an
// erase in the next maintenance window from the drive page and from the Tapes page; Sam
// (security officer) approves it in the Approvals inbox; the test moves the clock past the
// window and Olivia's Erase schedule follows the run live; Sam downloads the signed certificate
// from the Certificates page and `lockwarden cert verify` accepts it (and refuses a tampered
// copy). Neither an operator nor a security officer can approve their own request. A drive
// swapped after approval and an approval that went stale are refused, with nothing erased. Needs client/dist (`npx vite build client`) and /usr/bin/chromium.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, launchChromium, logIn, openPage, ROOT, SCREENSHOTS } from './browser.ts';
import {
  apiAs,
  cliVerify,
  inProcessVerify,
  post,
  startScheduleConsole,
  type ScheduleConsole,
  type User,
  type Verify,
} from './erase-schedule-console.ts';

/** Saturday 5 December 2026, 01:40 in Berlin: twenty minutes before the 02:00 window. */
const START = new Date('2026-12-05T00:40:00Z');
const BERLIN = 'Europe/Berlin';

let c: ScheduleConsole;
let browser: Browser;
let dir: string;
type Person = Awaited<ReturnType<typeof openPage>>;
let olivia: Person;
let sam: Person;

const shotPath = (name: string) => path.join(SCREENSHOTS, `erase-schedule-${name}.png`);
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: shotPath(name), fullPage: true, animations: 'disabled' });
}

async function signIn(person: Person, user: User): Promise<void> {
  await person.page.goto(c.url);
  await person.page.waitForURL(at('/login'));
  await logIn(person.page, user.username, user.password);
  await person.page.waitForURL(at('/fleet'));
}

async function go(page: Page, label: string, pathname: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: label, exact: true })
    .click();
  await page.waitForURL(at(pathname));
}

const contexts = (): BrowserContext[] => [olivia.context, sam.context];

/** The retire dialog's schedule: the next maintenance window `cron` in Berlin. */
async function chooseWindow(dialog: ReturnType<Page['getByRole']>, cron: string): Promise<string> {
  await dialog.getByLabel('In the next maintenance window').check();
  await dialog.getByLabel('Window (cron)').fill(cron);
  await dialog.getByLabel('Time zone').selectOption(BERLIN);
  return dialog.getByTestId('window-preview').innerText();
}

/** Sends the filled retire dialog; returns the new request's id from the Erase schedule. */
async function sendRequest(page: Page, dialog: ReturnType<Page['getByRole']>, reason: string, title: string) {
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByRole('button', { name: 'Request erase' }).click();
  const created = page.getByRole('dialog', { name: 'Erase requested: awaiting approval' });
  await created.waitFor();
  await created.getByRole('link', { name: 'Open the Erase schedule' }).click();
  await page.waitForURL(at('/erase'));
  const card = page
    .getByTestId('erase-awaiting')
    .locator('[data-erase-state="pending-approval"]', { hasText: title })
    .filter({ hasText: reason });
  await card.waitFor();
  return { id: (await card.getAttribute('data-erase-request'))!, card };
}

/** Sam approves the request in the Approvals inbox, with a note. */
async function approve(requestId: string, title: string): Promise<void> {
  await go(sam.page, 'Approvals', '/approvals');
  const row = sam.page.locator(
    `tr[data-approval-target="erase:${requestId}"][data-approval-state="pending"]`,
  );
  await row.getByRole('button', { name: 'Approve' }).click();
  const dialog = sam.page.getByRole('dialog', { name: `Approve: ${title}` });
  await dialog.getByLabel('Note for the audit trail').fill('Checked against the retirement list');
  await dialog.getByRole('button', { name: 'Approve erase' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** A card of Olivia's Erase schedule, in `state`, waited for without reloading the page. */
function card(requestId: string, state: string) {
  return olivia.page
    .getByTestId('erase-timeline')
    .locator(`[data-erase-request="${requestId}"][data-erase-state="${state}"]`);
}

async function details(cardLocator: ReturnType<typeof card>) {
  await cardLocator.getByRole('button', { name: 'Details' }).click();
  await cardLocator.getByTestId('erase-detail').locator('tr[data-erase-item]').first().waitFor();
}

/**
 * Sam finds the item's certificate on the Certificates page, downloads its JSON, and the CLI
 * verifies it offline against the signing key the page shows; a tampered copy fails.
 */
async function downloadAndVerify(itemRef: string, serial: string, verify: Verify, shotName?: string) {
  const page = sam.page;
  await go(page, 'Certificates', '/certificates');
  await page.getByRole('textbox', { name: 'Item' }).fill(itemRef);
  await page.getByRole('button', { name: 'Apply' }).click();
  const row = page.locator('tr[data-certificate]', { hasText: itemRef });
  await row.waitFor();
  expect(await page.locator('tr[data-certificate]').count()).toBe(1);
  expect(await row.innerText()).toMatch(new RegExp(`${serial}[\\s\\S]*Purge[\\s\\S]*passed`));
  await page.getByText('Public key (PEM)').click();
  const pem = (await page.locator('pre.pem').innerText()).trim();
  const keyFile = path.join(dir, 'signing-key.pem');
  writeFileSync(keyFile, `${pem}\n`);
  if (shotName) {
    // Sam's socket notices the clock jump on its next message and reconnects (as after a sleep).
    await page.locator('[data-testid="connection"].is-ok').waitFor();
    await shot(page, shotName);
  }
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    row.getByRole('link', { name: 'JSON' }).click(),
  ]);
  const file = path.join(dir, download.suggestedFilename());
  await download.saveAs(file);
  const cert = JSON.parse(readFileSync(file, 'utf8')) as {
    document: { media: { serialNumber: string }; people: { requester: string; approvers: string[] } };
  };
  expect(cert.document.media.serialNumber).toBe(serial);
  expect(cert.document.people).toMatchObject({ requester: 'olivia', approvers: ['sam'] });
  cert.document.media.serialNumber = 'SOMETHING-ELSE';
  const tamperedFile = path.join(dir, 'tampered.json');
  writeFileSync(tamperedFile, JSON.stringify(cert));
  const [valid, tampered] = await Promise.all([verify(file, keyFile), verify(tamperedFile, keyFile)]);
  expect(valid.stdout).toMatch(new RegExp(`^valid: certificate \\S+ for ${itemRef} `));
  expect(valid.status).toBe(0);
  expect(tampered.status).toBe(1);
  expect(tampered.stdout).toMatch(/^invalid: .*tampered\.json\n {2}- the signature does not match/);
}

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'client/dist/index.html')))
    throw new Error('client/dist/index.html does not exist: run `npx vite build client` first');
  mkdirSync(SCREENSHOTS, { recursive: true });
  dir = mkdtempSync(path.join(tmpdir(), 'lw-erase-schedule-'));
  c = await startScheduleConsole(START);
  browser = await launchChromium();
  olivia = await openPage(browser);
  sam = await openPage(browser);
  // The browsers' clocks follow the console's: "today", "next window" and expiry read right.
  for (const ctx of contexts()) await ctx.clock.install({ time: c.clock.now() });
  await signIn(olivia, c.requester);
  await signIn(sam, c.approver);
}, 120_000);

afterAll(async () => {
  await olivia?.context.close();
  await sam?.context.close();
  await browser?.close();
  await c?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('scheduled crypto-erase in Chromium, as two people, on a clock the test moves', () => {
  it('reverts a drive in the next maintenance window after a second person approves, with a certificate that verifies offline', async () => {
    const page = olivia.page;
    const serial = c.serialAt('/dev/sda');
    const before = c.generations(serial);
    expect(await page.getByRole('navigation', { name: 'Main' }).innerText()).not.toContain('Approvals');

    // Olivia retires the drive from its page, in the next Saturday-02:00 window in Berlin.
    await go(page, 'Drives', '/drives');
    const row = page.locator(`tr[data-device-path="lab-host-1:/dev/sda"][data-drive-state="enrolled"]`);
    const model = (await row.getByRole('link').first().innerText()).trim();
    await row.getByRole('link').first().click();
    await page.getByRole('button', { name: 'Retire (crypto-erase)…' }).click();
    const dialog = page.getByRole('dialog', { name: `Crypto-erase ${model} ${serial}` });
    expect(await dialog.getByLabel('Opal revert (whole drive)').isChecked()).toBe(true);
    expect(await chooseWindow(dialog, '0 2 * * SAT')).toContain(
      'next window 0 2 * * SAT Europe/Berlin → Sat 5 Dec 02:00 CET',
    );
    await dialog.getByLabel('Reason').fill('Disk leaves service');
    await dialog.screenshot({ path: shotPath('drive-dialog'), animations: 'disabled' });
    const title = 'Opal revert (whole drive) · 1 drive';
    const { id, card: waiting } = await sendRequest(page, dialog, 'Disk leaves service', title);

    // She has no way to approve it herself, and the console refuses if she tries.
    expect(await waiting.innerText()).toMatch(/Sat 5 Dec 02:00 CET[\s\S]*waiting for a second person/);
    expect(await waiting.getByRole('button', { name: /approve/i }).count()).toBe(0);
    expect(await waiting.getByRole('link', { name: /approv/i }).count()).toBe(0);
    const self = await apiAs(c.t, c.requester);
    const request = (await self.agent.get(`/api/erase/requests/${id}`).expect(200)).body;
    const refused = await post(self, `/api/approvals/${request.approvalId}/approve`, { note: 'me' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('AUTH_FORBIDDEN'); // operators never approve; see the next-but-one test

    // Sam approves; Olivia's page (not reloaded) shows it scheduled for the window.
    await approve(id, title);
    const scheduled = card(id, 'scheduled');
    await scheduled.waitFor();
    expect(await scheduled.getByTestId('erase-schedule').innerText()).toBe(
      'When: next window 0 2 * * SAT Europe/Berlin → Sat 5 Dec 02:00 CET',
    );
    expect(await scheduled.innerText()).toMatch(/approved by sam/);
    // Grouped under today (the browser's own time zone decides which day that is).
    expect(await page.getByTestId('erase-timeline').innerText()).toMatch(/Today · \w+day \d+ December 2026/);
    await shot(page, 'drive-scheduled');
    // Nothing runs before the window.
    await new Promise((r) => setTimeout(r, 300));
    expect(await scheduled.count()).toBe(1);
    expect(c.generations(serial)).toEqual(before);

    // The window opens: the page follows the run to completion without a reload, on the socket
    // it already has open (no reconnect, so the news came as a push).
    let sockets = 0;
    page.on('websocket', () => sockets++);
    await c.advanceTo(new Date('2026-12-05T01:00:05Z'), contexts());
    const done = card(id, 'completed');
    await done.waitFor({ timeout: 30_000 });
    await details(done);
    const item = done.locator(`tr[data-erase-item="${serial}"][data-item-state="erased"]`);
    expect(await item.innerText()).toMatch(/verified: Locking SP inactive \(factory\); the MSID opens/);
    await item.getByTestId('certificate-issued').waitFor();
    expect(sockets).toBe(0);
    await shot(page, 'drive-completed');
    expect(c.generations(serial)).not.toEqual(before);

    await downloadAndVerify(`sed:${serial}`, serial, cliVerify, 'certificates');
    expect(olivia.problems).toEqual([]);
    expect(sam.problems).toEqual([]);
  }, 90_000);

  it('crypto-shreds a cartridge range in the next window, one certificate per cartridge', async () => {
    const page = olivia.page;
    await go(page, 'Tapes', '/tapes');
    await page.locator('tr[data-barcode="A00005L9"]').waitFor();
    await page.getByRole('button', { name: 'Crypto-shred a range…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Crypto-erase a barcode range' });
    expect(await dialog.getByLabel('From', { exact: true }).inputValue()).toBe('A00001L9');
    await dialog.getByLabel('To', { exact: true }).fill('A00003L9');
    expect(await chooseWindow(dialog, '30 2 * * SAT')).toContain('→ Sat 5 Dec 02:30 CET');
    await dialog.screenshot({ path: shotPath('range-dialog'), animations: 'disabled' });
    const title = 'Crypto-shred · 3 cartridges';
    const { id } = await sendRequest(page, dialog, 'Archive of 2019 expired', title);

    await approve(id, title);
    const scheduled = card(id, 'scheduled');
    await scheduled.waitFor();
    expect(await scheduled.getByTestId('erase-schedule').innerText()).toContain('→ Sat 5 Dec 02:30 CET');

    await c.advanceTo(new Date('2026-12-05T01:30:05Z'), contexts());
    const done = card(id, 'completed');
    await done.waitFor({ timeout: 30_000 });
    await details(done);
    for (const barcode of ['A00001L9', 'A00002L9', 'A00003L9']) {
      const item = done.locator(`tr[data-erase-item="${barcode}"][data-item-state="erased"]`);
      expect(await item.innerText()).toMatch(/verified: key LW-[0-9A-F]{16} destroyed/);
    }
    expect(await done.locator('tr[data-erase-item="A00001L9"]').innerText()).toMatch(/cannot be decrypted/);
    await shot(page, 'range-completed');

    // The Tapes page shows the three retired with their keys destroyed; the others untouched.
    await go(page, 'Tapes', '/tapes');
    for (const barcode of ['A00001L9', 'A00002L9', 'A00003L9'])
      await page.locator(`tr[data-barcode="${barcode}"][data-key-state="destroyed"]`).waitFor();
    await page.locator('tr[data-barcode="A00004L9"][data-key-state="active"]').waitFor();

    await downloadAndVerify('cartridge:A00002L9', 'A00002L9', inProcessVerify);
    expect(olivia.problems).toEqual([]);
    expect(sam.problems).toEqual([]);
  }, 90_000);

  it('does not let a security officer approve their own request either', async () => {
    // Sam has the approver role, but asked for this himself: the two-person rule still holds.
    const page = sam.page;
    await go(page, 'Tapes', '/tapes');
    await page.locator('tr[data-barcode="A00004L9"]').getByRole('button', { name: 'Crypto-shred…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Crypto-erase cartridge A00004L9' });
    await dialog.getByLabel('Reason').fill('Self-approval test');
    await dialog.getByRole('button', { name: 'Request erase' }).click();
    await page
      .getByRole('dialog', { name: 'Erase requested: awaiting approval' })
      .getByRole('button', { name: 'Close' })
      .click();
    await go(page, 'Approvals', '/approvals');
    const row = page.locator('tr[data-approval-state="pending"]', { hasText: 'Self-approval test' });
    expect(await row.innerText()).toContain('sam (you)');
    await row.getByRole('button', { name: 'Approve' }).click();
    const approveDialog = page.getByRole('dialog', { name: 'Approve: Crypto-shred · 1 cartridge' });
    expect(await approveDialog.innerText()).toContain('You requested this yourself');
    await approveDialog.getByRole('button', { name: 'Approve erase' }).click();
    await approveDialog.getByRole('alert').filter({ hasText: 'A second person must approve this' }).waitFor();
    await approveDialog.screenshot({ path: shotPath('self-approval'), animations: 'disabled' });
    await approveDialog.getByRole('button', { name: 'Cancel' }).click();
    await row.getByRole('button', { name: 'Withdraw' }).click();
    const withdraw = page.getByRole('dialog', {
      name: 'Withdraw your request for Crypto-shred · 1 cartridge',
    });
    await withdraw.getByRole('button', { name: 'Withdraw request' }).click();
    await withdraw.waitFor({ state: 'hidden' });
    await go(page, 'Tapes', '/tapes');
    await page.locator('tr[data-barcode="A00004L9"][data-key-state="active"]').waitFor();
    expect(sam.problems).toEqual([]);
  }, 60_000);

  it('refuses a drive swapped for another after approval, shows why, and erases nothing', async () => {
    const page = olivia.page;
    const serial = c.serialAt('/dev/sdb');
    const intruder = c.serialAt('/dev/nvme0');
    const before = [c.generations(serial), c.generations(intruder)];
    await go(page, 'Drives', '/drives');
    await page.locator(`tr[data-drive-serial="${serial}"]`).getByRole('link').first().click();
    await page.getByRole('button', { name: 'Retire (crypto-erase)…' }).click();
    const dialog = page.getByRole('dialog', { name: new RegExp(`^Crypto-erase .* ${serial}$`) });
    await chooseWindow(dialog, '0 3 * * SAT');
    const title = 'Opal revert (whole drive) · 1 drive';
    const { id } = await sendRequest(page, dialog, 'Swap test: disk leaves service', title);
    await approve(id, title);
    await card(id, 'scheduled').waitFor();

    // Before the window someone moves another disk into the slot.
    await c.sed.swap('/dev/sdb', '/dev/nvme0');
    await c.advanceTo(new Date('2026-12-05T02:00:05Z'), contexts());
    const failed = card(id, 'failed');
    await failed.waitFor({ timeout: 30_000 });
    await details(failed);
    const item = failed.locator(`tr[data-erase-item="${serial}"][data-item-state="failed"]`);
    expect(await item.innerText()).toMatch(
      new RegExp(
        `SED_IDENTITY_MISMATCH: .*now holds ${intruder}, not the approved ${serial}; nothing was erased`,
      ),
    );
    await shot(page, 'swap-refused');
    expect([c.generations(serial), c.generations(intruder)]).toEqual(before);
    await go(page, 'Drives', '/drives');
    await page.locator(`tr[data-drive-serial="${serial}"][data-drive-state="enrolled"]`).waitFor();
    expect(olivia.problems).toEqual([]);
  }, 90_000);

  it('refuses an approval that went stale (the run is more than a day late), and erases nothing', async () => {
    const page = olivia.page;
    await go(page, 'Tapes', '/tapes');
    await page.locator('tr[data-barcode="A00005L9"]').getByRole('button', { name: 'Crypto-shred…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Crypto-erase cartridge A00005L9' });
    await chooseWindow(dialog, '0 4 * * SAT');
    const title = 'Crypto-shred · 1 cartridge';
    const { id } = await sendRequest(page, dialog, 'Stale approval test', title);
    await approve(id, title);
    await card(id, 'scheduled').waitFor();

    // The console was down from before the window until the next day: the approval is stale.
    await c.advanceTo(new Date('2026-12-06T03:30:00Z'), contexts());
    const op = await apiAs(c.t, c.requester);
    const jobId = (await op.agent.get(`/api/erase/requests/${id}`).expect(200)).body.jobId as string;
    await expect
      .poll(async () => (await op.agent.get(`/api/jobs/${jobId}`)).body.state, { timeout: 10_000 })
      .toBe('failed');

    // A day later both sessions have ended: Olivia signs in again and finds it refused.
    await page.goto(`${c.url}/erase`);
    await page.waitForURL(at('/login'));
    await logIn(page, c.requester.username, c.requester.password);
    await page.waitForURL(at('/erase'));
    const failed = card(id, 'failed');
    await failed.waitFor();
    await details(failed);
    expect(await failed.locator('tr[data-erase-item="A00005L9"]').getAttribute('data-item-state')).toBe(
      'pending',
    );
    expect(await failed.getByTestId('erase-refusal').innerText()).toMatch(
      /^Why it failed: APPROVAL_EXPIRED Erase \S+ refused: it was due at 2026-12-05T03:00:00.000Z; .*24 hours/,
    );
    await shot(page, 'stale-refused');
    await go(page, 'Tapes', '/tapes');
    await page
      .locator('tr[data-barcode="A00005L9"][data-state="enrolled"][data-key-state="active"]')
      .waitFor();
  }, 90_000);
});
