import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billTotals } from '../emulators/clio/bill-totals';
import { outstanding } from '../emulators/xero/documents';
import { startSyncStack, type SyncStack } from './stack';

/**
 * A bill edited in Clio and its invoice edited in Xero before either reached the other side, with
 * "sync bill updates from Xero" on: a field changed differently on both sides is held for an
 * admin (SYNC_CONFLICT, both values), neither side overwritten; the admin's choice is then written
 * to the other side. Edits to different fields both travel.
 */
let s: SyncStack;
let today: string;

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await s.stack.xero.emulator.webhooks.flush();
    await s.settled();
  }
}

/** A client with an approved one-hour bill at 300, synced. */
async function syncedBill(name: string) {
  const { matterId } = await s.newClient(name, `ap@${name.toLowerCase().replace(/\W/g, '')}.example`);
  const entry = await s.clioControl('POST', '/activities', {
    type: 'TimeEntry',
    quantity: 3600,
    price: 300,
    matter: { id: matterId },
    note: 'Drafting letter',
    tax_setting: 'tax_1_only',
  });
  const b = await s.clioControl('POST', '/bills', { activity_ids: [entry.id], issued_at: today });
  await s.clioControl('POST', `/bills/${b.id}/approve`);
  await settle();
  const [invoice] = s.invoiceByNumber(b.number);
  expect(invoice).toBeDefined();
  return { billId: b.id as number, number: b.number as string, invoiceId: invoice!.id };
}

const bill = (id: number) => s.clio().bills.require(id);
const clioLines = (billId: number) =>
  s
    .clio()
    .lineItems.all()
    .filter((l) => l.bill_id === billId);
const invoice = (id: string) => s.tenant().invoices.get(id)!;
const record = async (id: number) => (await s.call('GET', `/api/records/bill/${id}`)).body;
const conflicts = async (billId: number) =>
  ((await s.call('GET', '/api/conflicts')).body.conflicts as { kind: string; clioId: string; fields: unknown[] }[]).filter((c) => c.clioId === String(billId));
const codesOf = async (billId: number) => (await s.errors()).filter((e) => e.clioIds.includes(String(billId))).map((e) => e.code);

/** The bookkeeper sets the price of the invoice's first line in Xero; the fee earner the bill's line in Clio. */
async function bothEdit(billId: number, invoiceId: string, xeroPrice: number, clioPrice: number) {
  const line = invoice(invoiceId).LineItems[0]!;
  await s.xeroControl('POST', '/invoices', { InvoiceID: invoiceId, LineItems: [{ LineItemID: line.LineItemID, UnitAmount: xeroPrice }] });
  await s.clioControl('PATCH', `/line_items/${clioLines(billId)[0]!.id}`, { price: clioPrice });
}

beforeAll(async () => {
  let bankId = '';
  s = await startSyncStack({
    beforeSettings: async (stack) => {
      bankId = String(stack.clio.emulator.state.bankAccounts.all()[0]!.id);
    },
    settings: (day) => ({ invoiceStatus: 'AUTHORISED', billDateFrom: day, syncFromXero: true, clioPaymentBankAccountId: bankId }),
  });
  today = s.today;
  await settle();
}, 120_000);
afterAll(() => s?.stack.stop());

describe('a bill edited on both sides at once', () => {
  it('the same price changed in Xero (320) and in Clio (310): held as SYNC_CONFLICT with both values, neither side overwritten; keeping Xero’s writes 320 to Clio', async () => {
    const { billId, number, invoiceId } = await syncedBill('Lucas Wilson');
    const lineItemId = invoice(invoiceId).LineItems[0]!.LineItemID;
    // The line as Xero shows it: Clio's description and the entry's note.
    const description = invoice(invoiceId).LineItems[0]!.Description;
    expect(description).toBe('TimeEntry — Drafting letter');
    await bothEdit(billId, invoiceId, 320, 310);
    await settle();

    // Neither side was overwritten, line by line.
    expect(clioLines(billId).map((l) => [l.price, l.quantity])).toEqual([[310, 1]]);
    const x = invoice(invoiceId);
    expect(x.LineItems.map((l) => [l.LineItemID, l.UnitAmount, l.Quantity, l.LineAmount])).toEqual([[lineItemId, 320, 1, 320]]);
    const words = `Bill ${number} for Lucas Wilson: the price of “${description}” was changed to 320.00 in Xero and to 310.00 in Clio. Choose which to keep.`;
    expect(await conflicts(billId)).toEqual([
      expect.objectContaining({
        kind: 'bill',
        clioId: String(billId),
        fields: [{ field: `line:${lineItemId}:unitAmount`, label: `the price of “${description}”`, clio: '310.00', xero: '320.00' }],
      }),
    ]);
    expect((await record(billId)).link).toMatchObject({ state: 'conflict', errorCode: 'SYNC_CONFLICT', errorMessage: words });
    expect(await codesOf(billId)).toContain('SYNC_CONFLICT');
    // Another look (a sweep) still writes neither side.
    await s.sweep();
    expect(clioLines(billId).map((l) => l.price)).toEqual([310]);
    expect(invoice(invoiceId).LineItems.map((l) => l.UnitAmount)).toEqual([320]);

    const chosen = await s.call('POST', `/api/conflicts/bill/${billId}`, { keep: 'xero' });
    expect(chosen.status).toBe(200);
    await settle();
    expect(clioLines(billId).map((l) => [l.price, l.quantity])).toEqual([[320, 1]]);
    const after = invoice(invoiceId);
    expect(after.LineItems.map((l) => [l.LineItemID, l.UnitAmount, l.Quantity, l.LineAmount])).toEqual([[lineItemId, 320, 1, 320]]);
    expect(after.Total).toBe(x.Total);
    expect(after.Total).toBe(billTotals(s.clio(), bill(billId)).total);
    expect(await conflicts(billId)).toEqual([]);
    expect((await record(billId)).link).toMatchObject({ state: 'synced' });
    expect(await codesOf(billId)).not.toContain('SYNC_CONFLICT');
    expect((await s.call('POST', `/api/conflicts/bill/${billId}`, { keep: 'clio' })).status).toBe(404);
  });

  it('with Xero’s webhook lost, Clio’s push reads the invoice first and finds the conflict; keeping Clio’s writes 310 to Xero, totals equal to Clio’s', async () => {
    const { billId, invoiceId } = await syncedBill('Harper Quinn');
    const lineItemId = invoice(invoiceId).LineItems[0]!.LineItemID;
    await s.withoutXeroWebhooks(async () => {
      await bothEdit(billId, invoiceId, 320, 310);
      await settle();
    });
    expect(clioLines(billId).map((l) => l.price)).toEqual([310]);
    expect(invoice(invoiceId).LineItems.map((l) => [l.UnitAmount, l.LineAmount])).toEqual([[320, 320]]);
    expect((await record(billId)).link).toMatchObject({ state: 'conflict' });
    expect(await codesOf(billId)).toContain('SYNC_CONFLICT');

    expect((await s.call('POST', `/api/conflicts/bill/${billId}`, { keep: 'clio' })).status).toBe(200);
    await settle();
    expect(clioLines(billId).map((l) => [l.price, l.quantity])).toEqual([[310, 1]]);
    const x = invoice(invoiceId);
    expect(x.LineItems.map((l) => [l.LineItemID, l.UnitAmount, l.Quantity, l.LineAmount])).toEqual([[lineItemId, 310, 1, 310]]);
    const clio = billTotals(s.clio(), bill(billId));
    expect(x.Total).toBe(clio.total);
    expect(outstanding(s.tenant(), x)).toBe(clio.balance);
    expect(await conflicts(billId)).toEqual([]);
    expect((await record(billId)).link).toMatchObject({ state: 'synced' });
    expect(await codesOf(billId)).not.toContain('SYNC_CONFLICT');
  });

  it('different fields edited on each side: both reach the other side, no conflict', async () => {
    const { billId, invoiceId } = await syncedBill('Mina Okafor');
    const lineItemId = invoice(invoiceId).LineItems[0]!.LineItemID;
    await s.xeroControl('POST', '/invoices', {
      InvoiceID: invoiceId,
      DueDate: '2027-01-31',
      LineItems: [{ LineItemID: lineItemId, Description: 'Letter to the landlord' }],
    });
    await s.clioControl('PATCH', `/line_items/${clioLines(billId)[0]!.id}`, { price: 310 });
    await settle();

    expect(bill(billId).due_at.slice(0, 10)).toBe('2027-01-31');
    expect(clioLines(billId).map((l) => [l.description, l.price, l.quantity])).toEqual([['Letter to the landlord', 310, 1]]);
    const x = invoice(invoiceId);
    expect(new Date(x.DueDate!).toISOString().slice(0, 10)).toBe('2027-01-31');
    expect(x.LineItems.map((l) => [l.LineItemID, l.Description, l.UnitAmount, l.LineAmount])).toEqual([
      [lineItemId, expect.stringMatching(/^Letter to the landlord/), 310, 310],
    ]);
    expect(x.Total).toBe(billTotals(s.clio(), bill(billId)).total);
    expect(await conflicts(billId)).toEqual([]);
    expect((await record(billId)).link).toMatchObject({ state: 'synced' });
    expect(await codesOf(billId)).not.toContain('SYNC_CONFLICT');
  });

  it('different fields, with Xero’s webhook lost: Clio’s push reads the invoice, brings Xero’s edit to Clio, then sends both', async () => {
    const { billId, invoiceId } = await syncedBill('Theo Brandt');
    const lineItemId = invoice(invoiceId).LineItems[0]!.LineItemID;
    await s.withoutXeroWebhooks(async () => {
      await s.xeroControl('POST', '/invoices', { InvoiceID: invoiceId, DueDate: '2027-02-15' });
      await s.clioControl('PATCH', `/line_items/${clioLines(billId)[0]!.id}`, { price: 330 });
      await settle();
    });
    expect(bill(billId).due_at.slice(0, 10)).toBe('2027-02-15');
    expect(clioLines(billId).map((l) => [l.price, l.quantity])).toEqual([[330, 1]]);
    const x = invoice(invoiceId);
    expect(new Date(x.DueDate!).toISOString().slice(0, 10)).toBe('2027-02-15');
    expect(x.LineItems.map((l) => [l.LineItemID, l.UnitAmount, l.Quantity, l.LineAmount])).toEqual([[lineItemId, 330, 1, 330]]);
    const clio = billTotals(s.clio(), bill(billId));
    expect(x.Total).toBe(clio.total);
    expect(outstanding(s.tenant(), x)).toBe(clio.balance);
    expect((await record(billId)).link).toMatchObject({ state: 'synced' });
    expect(await codesOf(billId)).toEqual([]);
  });
});
