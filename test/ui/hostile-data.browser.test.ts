// Issue 15: the UI stays safe with hostile data from Clio — a contact named with an HTML event
// handler and a bill number carrying markup, shown in the backfill preview in headless Chromium.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncStack, type SyncStack } from '../sync/stack';
import { buildUi, launchChromium } from './browser';

const HOSTILE_CONTACT = '<img src=x onerror=alert(1)>';
const HOSTILE_NUMBER = '<b>INV-9</b><img src=y onerror=alert(2)>';

let s: SyncStack;
let browser: Browser;
beforeAll(async () => {
  await buildUi();
  [s, browser] = await Promise.all([startSyncStack({ settings: { syncBills: false, invoiceStatus: 'AUTHORISED' } }), launchChromium()]);
  await s.settled('the first sync');
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await s?.stack.stop();
});

describe('hostile names from Clio in the browser', () => {
  it('the backfill preview shows a contact named <img onerror> and a bill number with HTML as text: no element, no script', async () => {
    const { matterId } = await s.newClient(HOSTILE_CONTACT);
    const bill = await s.newApprovedBill(matterId, 120);
    s.clio().bills.get(bill.id)!.number = HOSTILE_NUMBER;

    const page = await (await browser.newContext()).newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${s.stack.baseUrl}/app/status#token=${s.token}`);
    await page.getByLabel('from', { exact: true }).fill(s.today);
    await page.getByLabel('to', { exact: true }).fill(s.today);
    await page.getByRole('button', { name: 'Preview' }).click();
    const table = page.getByRole('table', { name: 'Backfill preview' });
    await table.waitFor();

    const rows = await table.locator('tbody th').allTextContents();
    expect(rows).toContain(HOSTILE_CONTACT);
    expect(rows).toContain(`Bill ${HOSTILE_NUMBER}`);
    expect(await page.locator('img[src="x"], img[src="y"], table b').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.context().close();
  });
});
