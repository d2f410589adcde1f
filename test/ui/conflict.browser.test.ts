import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import { startSyncStack, type SyncStack } from '../sync/stack';
import { axeViolations } from './a11y';
import { buildUi, launchChromium } from './browser';

/**
 * A bill whose line price was changed in Xero (320) and in Clio (310) at once, on its record page
 * in headless Chromium: both values side by side, and the admin's "Keep Xero’s version" writes 320 to Clio.
 */
let s: SyncStack;
let browser: Browser;

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await s.stack.xero.emulator.webhooks.flush();
    await s.settled();
  }
}

beforeAll(async () => {
  await buildUi();
  let bankId = '';
  [s, browser] = await Promise.all([
    startSyncStack({
      beforeSettings: async (stack) => {
        bankId = String(stack.clio.emulator.state.bankAccounts.all()[0]!.id);
      },
      settings: (day) => ({ invoiceStatus: 'AUTHORISED', billDateFrom: day, syncFromXero: true, clioPaymentBankAccountId: bankId }),
    }),
    launchChromium(),
  ]);
  await settle();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await s?.stack.stop();
});

describe('a bill in conflict on its record page', () => {
  it('shows both values and keeps the one the admin chooses', async () => {
    const { matterId } = await s.newClient('Lucas Wilson', 'ap@lucaswilson.test');
    const bill = await s.newApprovedBill(matterId, 300);
    await settle();
    const [invoice] = s.invoiceByNumber(bill.number);
    const line = s
      .clio()
      .lineItems.all()
      .find((l) => l.bill_id === bill.id)!;
    await s.xeroControl('POST', '/invoices', { InvoiceID: invoice!.id, LineItems: [{ LineItemID: invoice!.LineItems[0]!.LineItemID, UnitAmount: 320 }] });
    await s.clioControl('PATCH', `/line_items/${line.id}`, { price: 310 });
    await settle();

    const page = await (await browser.newContext()).newPage();
    await page.goto(`${s.stack.baseUrl}/app/records/bill/${bill.id}#token=${s.token}`);
    await page.getByText('Changed on both sides; needs a decision').waitFor();
    const row = page.getByRole('table', { name: 'Fields changed differently in Clio and in Xero' }).getByRole('row').nth(1);
    expect((await row.locator('th, td').allTextContents()).map((t) => t.trim())).toEqual([expect.stringMatching(/^the price of “/), '310.00', '320.00']);
    expect(await axeViolations(page), 'the record page in conflict').toEqual([]);

    await page.getByRole('button', { name: 'Keep Xero’s version' }).click();
    await page.getByText('Synced', { exact: true }).waitFor();
    await settle();
    await eventually(async () => s.clio().lineItems.require(line.id).price === 320, 'Clio to hold Xero’s price');
    expect(
      s
        .tenant()
        .invoices.get(invoice!.id)!
        .LineItems.map((l) => l.UnitAmount),
    ).toEqual([320]);
    await page.context().close();
  });
});
