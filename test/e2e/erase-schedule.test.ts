// End to end (issue 7, "Done when"): scheduled crypto-erase in Chromium as two people, against
// the whole console running in process on a clock the test moves. Olivia (operator) asks for an
// erase in the next maintenance window from the drive page and from the Tapes page; Sam
// (security officer) approves it in the Approvals inbox; the test moves the clock past the
// window and Olivia's Erase schedule follows the run live; Sam downloads the signed certificate
// from the Certificates page and `lockwarden cert verify` accepts it (and refuses a tampered
// copy). Neither an operator nor a security officer can approve their own request.
// Needs client/dist (`npx vite build client`) and /usr/bin/chromium.
import { describe, expect, it } from 'vitest';
import { apiAs, cliVerify, inProcessVerify, post } from './erase-schedule-console.ts';
import {
  c,
  olivia,
  sam,
  shotPath,
  shot,
  go,
  contexts,
  chooseWindow,
  sendRequest,
  approve,
  card,
  details,
  downloadAndVerify,
  useScheduleSession,
} from './erase-schedule-session.ts';

useScheduleSession();

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
    expect(await chooseWindow(dialog, '0 2 * * SAT')).toBe(
      'Next window 0 2 * * SAT Europe/Berlin → Sat 5 Dec 02:00 CET, if approved before then.',
    );
    expect(await dialog.getByTestId('erase-policy').innerText()).toContain('needs 1 approver, valid 24 h');
    await dialog.getByLabel('Reason').fill('Disk leaves service');
    await dialog.screenshot({ path: shotPath('drive-dialog'), animations: 'disabled' });
    const title = 'Opal revert (whole drive) · 1 drive';
    const { id, card: waiting } = await sendRequest(page, dialog, 'Disk leaves service', title);

    // She has no way to approve it herself, and the console refuses if she tries.
    await waiting.filter({ hasText: /Sat 5 Dec 02:00 CET[\s\S]*waiting for a second person/ }).waitFor();
    // One "Live", in the header: the page does not repeat it.
    expect(await page.locator('[role="status"]', { hasText: /\blive\b/i }).count()).toBe(1);
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
    expect(await scheduled.innerText()).toMatch(/approved by sam · 2026-12-05 \d\d:\d\d \S+ ·/);
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
    // Over: it says when it ran, not "next window".
    expect(await done.getByTestId('erase-schedule').innerText()).toBe(
      'When: ran at Sat 5 Dec 02:00 CET (window 0 2 * * SAT Europe/Berlin)',
    );
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
    // The inbox offers him no Approve, and says why; the console refuses if he tries anyway.
    expect(await row.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await row.getByTestId('approve-blocked').innerText()).toBe('Your request: other approvers decide');
    expect(await row.getByTestId('approval-votes').innerText()).toBe('0 of 1 approval');
    await shot(page, 'approvals-own-request');
    const self = await apiAs(c.t, c.approver);
    const approvalId = await row.getAttribute('data-approval-id');
    const refused = await post(self, `/api/approvals/${approvalId}/approve`, { note: 'me' });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'APPROVAL_SELF']);
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
});
