// End to end (issue 7): the harder cases of scheduled crypto-erase in Chromium, on the same
// in-process console and moving clock as erase-schedule.test.ts. A drive whose credentials were
// never escrowed is reverted with the PSID Olivia types from its label once the approved revert
// is due. A drive swapped after approval and an approval that went stale are refused, with
// nothing erased. Ada (admin) sets the erase policy to two approvers: a request then shows
// "1 of 2" after Sam's approval and runs only after Sofia's.
// Needs client/dist (`npx vite build client`) and /usr/bin/chromium.
import { describe, expect, it } from 'vitest';
import { at, logIn, openPage } from './browser.ts';
import { apiAs, post } from './erase-schedule-console.ts';
import {
  c,
  browser,
  olivia,
  sam,
  extra,
  shotPath,
  shot,
  signIn,
  go,
  contexts,
  typed,
  chooseWindow,
  sendRequest,
  approve,
  card,
  details,
  useScheduleSession,
} from './erase-schedule-session.ts';

useScheduleSession();

describe('scheduled crypto-erase in Chromium, as two people, on a clock the test moves', () => {
  it('reverts a drive whose credentials were never escrowed with the PSID typed from its label once due', async () => {
    // 01:30 UTC, 15 minutes before this request's 02:45 Berlin window.
    await c.advanceTo(new Date('2026-12-05T01:30:05Z'), contexts());
    const page = olivia.page;
    const serial = c.serialAt('/dev/nvme0');
    const before = c.generations(serial);
    await go(page, 'Drives', '/drives');
    const row = page.locator(`tr[data-device-path="lab-host-1:/dev/nvme0"][data-drive-state="discovered"]`);
    const model = (await row.getByRole('link').first().innerText()).trim();
    await row.getByRole('link').first().click();
    await page.getByRole('button', { name: 'Retire (crypto-erase)…' }).click();
    const dialog = page.getByRole('dialog', { name: `Crypto-erase ${model} ${serial}` });
    // The only method for a drive that is not enrolled, and why; the PSID is typed later.
    expect(await dialog.getByRole('radio', { name: /revert|re-key/ }).count()).toBe(1);
    expect(await dialog.getByLabel('PSID revert (credentials lost)').isChecked()).toBe(true);
    expect(await dialog.getByTestId('erase-methods-note').innerText()).toContain(
      'the PSID from its label is the only way to erase it',
    );
    expect(await dialog.innerText()).toContain(
      'types the PSID from the label on the Erase schedule; it is never stored',
    );
    await chooseWindow(dialog, '45 2 * * SAT');
    await dialog.getByLabel('Reason').fill('Credentials lost; disk leaves service');
    await dialog.screenshot({ path: shotPath('psid-dialog'), animations: 'disabled' });
    const title = 'PSID revert (credentials lost) · 1 drive';
    const { id } = await sendRequest(page, dialog, 'Credentials lost; disk leaves service', title);
    await approve(id, title);
    // No job is queued for a PSID revert: the approval reaches her page as an erase update.

    // Approved, not yet due: the item says when PSID entry opens, and offers no field yet.
    const scheduled = card(id, 'scheduled');
    await scheduled.waitFor();
    await details(scheduled);
    // (A PSID the drive refuses leaves the request running: follow the item, whatever its card says.)
    const item = page.locator(`[data-erase-request="${id}"] tr[data-erase-item="${serial}"]`);
    expect(await item.getByTestId('psid-opens').innerText()).toMatch(
      /^PSID entry opens Sat 5 Dec 02:45 CET \(in 1[45] min\); until then the request can be cancelled\.$/,
    );
    expect(await item.locator('input').count()).toBe(0);
    await shot(page, 'psid-waiting');

    // It comes due (no reload, no push: the page watches the clock).
    await c.advanceTo(new Date('2026-12-05T01:45:05Z'), contexts());
    const field = item.getByLabel(`PSID of ${serial}`);
    await field.waitFor({ timeout: 5_000 });
    await scheduled
      .getByTestId('erase-schedule')
      .filter({ hasText: /^When: due since Sat 5 Dec 02:45 CET .*: waiting for the PSID at the drive$/ })
      .waitFor({ timeout: 5_000 });
    const attrs = ['type', 'autocomplete', 'spellcheck', 'name'];
    expect(await Promise.all(attrs.map((a) => field.getAttribute(a)))).toEqual([
      'password',
      'off',
      'false',
      null,
    ]);
    const send = item.getByRole('button', { name: 'Erase with PSID' });

    // One character off: the drive refuses it, nothing is erased, the field is emptied.
    const psid = c.psidOf('/dev/nvme0');
    const wrong = `${psid.slice(0, -1)}${psid.endsWith('0') ? '1' : '0'}`;
    await field.fill(typed(wrong));
    await send.click();
    await item
      .getByRole('alert')
      .filter({ hasText: 'did not accept the PSID; nothing was erased' })
      .waitFor();
    expect(await field.inputValue()).toBe('');
    expect(await item.getAttribute('data-item-state')).toBe('pending');
    expect(c.generations(serial)).toEqual(before);
    await shot(page, 'psid-refused');

    // The right one, as printed (lower case, dashes): erased, verified, certified.
    await field.fill(typed(psid));
    await send.click();
    const done = card(id, 'completed');
    await done.waitFor({ timeout: 30_000 });
    const erased = done.locator(`tr[data-erase-item="${serial}"][data-item-state="erased"]`);
    await erased.waitFor();
    expect(await erased.innerText()).toMatch(/factory/);
    await erased.getByTestId('certificate-issued').waitFor();
    expect(await done.getByTestId('erase-schedule').innerText()).toBe(
      'When: ran at Sat 5 Dec 02:45 CET (window 45 2 * * SAT Europe/Berlin)',
    );
    expect(c.generations(serial)).not.toEqual(before);
    await shot(page, 'psid-erased');
    // The PSID is in no page, address or console message.
    for (const p of [psid, wrong]) {
      expect(await page.content()).not.toContain(p);
      expect(page.url()).not.toContain(p.slice(0, 8));
    }
    expect(olivia.problems).toEqual([]);
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

  it('needs two approvals once an admin sets the erase policy to two, and runs only after the second', async () => {
    // Both sessions ended during the day the console was down: Sam signs in again; Ada and Sofia join.
    const [ada, sofia] = [await openPage(browser), await openPage(browser)];
    extra.push(ada, sofia);
    for (const person of [ada, sofia]) await person.context.clock.install({ time: c.clock.now() });
    await Promise.all([signIn(ada, c.admin), signIn(sofia, c.secondApprover), signIn(sam, c.approver)]);

    // Sam reads the policy (he may not change it); his page follows Ada's change live.
    await go(sam.page, 'Settings', '/settings');
    const samRow = sam.page.locator(
      '[data-testid="approval-policy"] tr[data-policy-action="erase.schedule"]',
    );
    expect(await samRow.getByTestId('policy-approvers').innerText()).toBe('1');
    expect(await samRow.locator('input').count()).toBe(0);

    await go(ada.page, 'Settings', '/settings');
    const row = ada.page.locator('[data-testid="approval-policy"] tr[data-policy-action="erase.schedule"]');
    const approvers = row.getByLabel(/^Approvers for /);
    expect(await row.getByTestId('policy-eligible').innerText()).toMatch(/^4\b/); // admin, ada, sam, sofia
    // More approvers than there are: the page cautions, the console refuses, the page says so.
    await approvers.fill('5');
    expect(await row.getByTestId('policy-caution').innerText()).toContain('Only 4 users may approve now');
    await row.getByRole('button', { name: 'Save' }).click();
    const refusal = ada.page.locator('tr[data-policy-problem="erase.schedule"]').getByRole('alert');
    expect(await refusal.innerText()).toMatch(/^Not saved: Only 4 user\(s\) may approve .*requiring 5/);
    await shot(ada.page, 'policy-refused');
    await approvers.fill('2');
    await row.getByRole('button', { name: 'Save' }).click();
    await row.filter({ hasText: 'ada' }).waitFor();
    expect(await refusal.count()).toBe(0);
    await shot(ada.page, 'policy-admin');
    await samRow.getByTestId('policy-approvers').filter({ hasText: /^2$/ }).waitFor();
    await shot(sam.page, 'policy-readonly');

    // Olivia asks for a crypto-shred now; the dialog names the policy.
    const page = olivia.page;
    await go(page, 'Tapes', '/tapes');
    await page.locator('tr[data-barcode="A00004L9"]').getByRole('button', { name: 'Crypto-shred…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Crypto-erase cartridge A00004L9' });
    await dialog.getByTestId('erase-policy').filter({ hasText: 'needs 2 approvers, valid 24 h' }).waitFor();
    expect(await dialog.getByTestId('erase-policy').innerText()).toBe(
      '2 security officers or admins other than you must approve this before it runs. Approval policy: needs 2 approvers, valid 24 h.',
    );
    await dialog.screenshot({ path: shotPath('policy-dialog'), animations: 'disabled' });
    const title = 'Crypto-shred · 1 cartridge';
    const { id, card: waiting } = await sendRequest(page, dialog, 'Two-person policy test', title);
    await waiting.filter({ hasText: 'waiting for 2 approvers' }).waitFor();

    // Sam's approval is the first of two: it stays pending, he cannot vote again.
    await go(sam.page, 'Approvals', '/approvals');
    const samInbox = sam.page.locator(
      `tr[data-approval-target="erase:${id}"][data-approval-state="pending"]`,
    );
    expect(await samInbox.getByTestId('approval-votes').innerText()).toBe('0 of 2 approvals');
    await samInbox.getByRole('button', { name: 'Approve' }).click();
    const first = sam.page.getByRole('dialog', { name: `Approve: ${title}` });
    expect(await first.getByTestId('approval-progress-note').innerText()).toBe(
      'Your approval is 1 of 2. The request stays pending until 1 more approves; nothing is scheduled before then.',
    );
    expect(await first.getByTestId('approval-policy-note').innerText()).toMatch(
      /^Policy when requested: needs 2 approvers, valid 24 h \(expires 2026-12-07 \d\d:\d\d \S+\)\.$/,
    );
    await first.screenshot({ path: shotPath('approvals-first-of-two'), animations: 'disabled' });
    await first.getByRole('button', { name: 'Approve erase' }).click();
    await first.waitFor({ state: 'hidden' });
    await samInbox
      .getByTestId('approve-blocked')
      .filter({ hasText: 'You approved; waiting for 1 more' })
      .waitFor();
    expect(await samInbox.getByTestId('approval-votes').innerText()).toMatch(
      /^1 of 2 approvals\s+✓ sam \(you\)\s+2026-12-06 \d\d:\d\d \S+$/,
    );
    expect(await samInbox.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await shot(sam.page, 'approvals-one-of-two');
    const request = (await (await apiAs(c.t, c.requester)).agent.get(`/api/erase/requests/${id}`)).body;
    const again = await post(
      await apiAs(c.t, c.approver),
      `/api/approvals/${request.approvalId}/approve`,
      {},
    );
    expect([again.status, again.body.error.code]).toEqual([409, 'APPROVAL_ALREADY_GIVEN']);
    expect(request.state).toBe('pending-approval');
    // Olivia (an operator, outside the approvals room) sees the vote live, as an erase update.
    await page
      .getByTestId('erase-awaiting')
      .locator(`[data-erase-request="${id}"]`, { hasText: '1 of 2 approvals (sam) · waiting for 1 more' })
      .waitFor();
    await shot(page, 'policy-one-of-two');

    // Sofia's approval completes it: it runs at once, approved by both.
    await go(sofia.page, 'Approvals', '/approvals');
    const sofiaInbox = sofia.page.locator(`tr[data-approval-target="erase:${id}"]`);
    await sofiaInbox.getByRole('button', { name: 'Approve' }).click();
    const second = sofia.page.getByRole('dialog', { name: `Approve: ${title}` });
    expect(await second.getByTestId('approval-progress-note').count()).toBe(0);
    expect(await second.innerText()).toContain('Approving schedules the erase');
    await second.getByRole('button', { name: 'Approve erase' }).click();
    await second.waitFor({ state: 'hidden' });
    const done = card(id, 'completed');
    await done.waitFor({ timeout: 30_000 });
    expect(await done.getByTestId('erase-people').innerText()).toMatch(/approved by sam and sofia/);

    // The Jobs page tells the erase jobs apart and keeps long errors inside its panel.
    await go(page, 'Jobs', '/jobs');
    const subjects = page.locator('tr[data-job-kind="erase.execute"]').getByTestId('job-subject');
    await subjects.first().waitFor();
    const names = await subjects.allInnerTexts();
    // The swapped drive's, the stale shred's and this one (a PSID revert runs no job).
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(new Set(names).size).toBe(names.length);
    await shot(page, 'jobs');
    const [table, panel] = await Promise.all([
      page.locator('[data-testid="jobs-page"] table').boundingBox(),
      page.locator('[data-testid="jobs-page"] section.panel').boundingBox(),
    ]);
    expect(table!.x + table!.width).toBeLessThanOrEqual(panel!.x + panel!.width + 1);
    for (const person of [olivia, sam, ada, sofia]) expect(person.problems).toEqual([]);
  }, 60_000);
});
