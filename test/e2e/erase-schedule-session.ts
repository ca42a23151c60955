// Shared by the browser suites of scheduled crypto-erase (erase-schedule*.test.ts): one console
// in process on a clock the tests move, Chromium with Olivia (operator) and Sam (security
// officer) signed in, and the steps both suites take (retire dialog, approval, certificate check).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { at, launchChromium, logIn, openPage, ROOT, SCREENSHOTS } from './browser.ts';
import {
  startScheduleConsole,
  type ScheduleConsole,
  type User,
  type Verify,
} from './erase-schedule-console.ts';

/** Saturday 5 December 2026, 01:40 in Berlin: twenty minutes before the 02:00 window. */
export const START = new Date('2026-12-05T00:40:00Z');
export const BERLIN = 'Europe/Berlin';

export let c: ScheduleConsole;
export let browser: Browser;
export let dir: string;
export type Person = Awaited<ReturnType<typeof openPage>>;
export let olivia: Person;
export let sam: Person;
/** Ada (admin) and Sofia (a second security officer), for the last test. */
export const extra: Person[] = [];

export const shotPath = (name: string) =>
  path.join(SCREENSHOTS, /^(approvals|policy)-/.test(name) ? `${name}.png` : `erase-schedule-${name}.png`);
export async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: shotPath(name), fullPage: true, animations: 'disabled' });
}

export async function signIn(person: Person, user: User): Promise<void> {
  await person.page.goto(c.url);
  await person.page.waitForURL(at('/login'));
  await logIn(person.page, user.username, user.password);
  await person.page.waitForURL(at('/fleet'));
}

export async function go(page: Page, label: string, pathname: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: label, exact: true })
    .click();
  await page.waitForURL(at(pathname));
}

export const contexts = (): BrowserContext[] => [olivia.context, sam.context, ...extra.map((p) => p.context)];

/** A PSID as people type it from a label: lower case, in groups of four with dashes. */
export const typed = (psid: string): string => psid.toLowerCase().replace(/(.{4})(?!$)/g, '$1-');

/** The retire dialog's schedule: the next maintenance window `cron` in Berlin. */
export async function chooseWindow(dialog: ReturnType<Page['getByRole']>, cron: string): Promise<string> {
  await dialog.getByLabel('In the next maintenance window').check();
  await dialog.getByLabel('Window (cron)').fill(cron);
  await dialog.getByLabel('Time zone').selectOption(BERLIN);
  return dialog.getByTestId('window-preview').innerText();
}

/** Sends the filled retire dialog; returns the new request's id from the Erase schedule. */
export async function sendRequest(
  page: Page,
  dialog: ReturnType<Page['getByRole']>,
  reason: string,
  title: string,
) {
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
export async function approve(requestId: string, title: string): Promise<void> {
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
export function card(requestId: string, state: string) {
  return olivia.page
    .getByTestId('erase-timeline')
    .locator(`[data-erase-request="${requestId}"][data-erase-state="${state}"]`);
}

export async function details(cardLocator: ReturnType<typeof card>) {
  await cardLocator.getByRole('button', { name: 'Details' }).click();
  await cardLocator.getByTestId('erase-detail').locator('tr[data-erase-item]').first().waitFor();
}

/**
 * Sam finds the item's certificate on the Certificates page, downloads its JSON, and the CLI
 * verifies it offline against the signing key the page shows; a tampered copy fails.
 */
export async function downloadAndVerify(itemRef: string, serial: string, verify: Verify, shotName?: string) {
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

/** Registers the console, the browser and Olivia's and Sam's sessions around a test file. */
export function useScheduleSession(): void {
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
    for (const person of extra) await person.context.close();
    await browser?.close();
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
}
