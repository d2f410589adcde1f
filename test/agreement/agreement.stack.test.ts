import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastCheck } from '../../server/agreement/repository';
import { billTotals } from '../emulators/clio/bill-totals';
import type { LoggedRequest } from '../emulators/clio/request-log';
import { eventually } from '../support/eventually';
import { startSyncStack, type SyncStack } from '../sync/stack';

/**
 * The agreement check end to end: each kind of difference made to happen on purpose — paid in
 * Xero only (sync from Xero is off, so it stays different), an invoice edited in Xero, one voided
 * there, a bill whose sync failed, an invoice copied by hand in Xero — named by "Check now" in
 * its failure group and on the Status tab, then gone at the next check once fixed. Bills sync
 * from today, so the seeded history is out of scope.
 */
let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack({ settings: (day) => ({ invoiceStatus: 'AUTHORISED', billDateFrom: day }) });
  await s.settled('the first sync');
}, 120_000);
afterAll(() => s?.stack.stop());

interface Difference {
  kind: string;
  clioId: string;
  xeroId: string | null;
  code: string;
  detail: string;
  cause: string;
  fix: string;
}
interface Agreement {
  checkedAt: string;
  billsCompared: number;
  differenceCount: number;
  differences: Difference[];
}

/** "Check now" as the Status tab's button sends it, waited for; the Status payload's agreement after. */
async function checkNow(): Promise<Agreement> {
  const before = (await lastCheck(s.stack.db, s.firmId))?.checkedAt.getTime() ?? 0;
  const res = await s.call('POST', '/api/agreement/check');
  expect(res.status).toBe(202);
  await eventually(async () => ((await lastCheck(s.stack.db, s.firmId))?.checkedAt.getTime() ?? 0) > before, 'the agreement check to finish', 60_000);
  await s.settled();
  const status = await s.call('GET', '/api/sync/status');
  return status.body.agreement as Agreement;
}

const differencesOf = (a: Agreement, clioId: number | string) => a.differences.filter((d) => d.clioId === String(clioId)).map((d) => d.code);
const groupsOf = async (clioId: number | string) =>
  (await s.errors()).filter((g) => g.kind.startsWith('agreement_') && g.clioIds.includes(String(clioId))).map((g) => `${g.kind}:${g.code}`);

async function syncedBill(name: string, price: number) {
  const { matterId } = await s.newClient(name, `${name.replace(/\W/g, '').toLowerCase()}@example.com`);
  const b = await s.newApprovedBill(matterId, price);
  await s.settled();
  const [invoice] = s.invoiceByNumber(b.number);
  expect(invoice, `the invoice of bill ${b.number}`).toBeDefined();
  return { ...b, invoice: invoice!, total: billTotals(s.clio(), s.clio().bills.require(b.id)).total };
}

describe('the agreement check', { timeout: 120_000 }, () => {
  it('with every bill synced, Clio and Xero agree, read from listings only', async () => {
    const b = await syncedBill('Agree Pty Ltd', 300);
    await s.clioControl('DELETE', '/requests');
    const xeroLogged = s.stack.xero.emulator.requestLog.entries.length;
    const a = await checkNow();
    expect(a).toMatchObject({ billsCompared: 1, differenceCount: 0, differences: [] });
    expect(await groupsOf(b.id)).toEqual([]);

    // Every Clio bill is read in pages of 200 (no bill one by one), and Xero's invoices in one page.
    const clioCalls = ((await s.clioControl('GET', '/requests')) as LoggedRequest[]).filter((r) => r.method === 'GET');
    const billPages = Math.ceil(s.clio().bills.all().length / 200);
    expect(clioCalls.map((r) => r.path)).toEqual(Array(billPages).fill('/api/v4/bills.json'));
    expect(clioCalls.every((r) => !new URLSearchParams(r.query).has('ids[]'))).toBe(true);
    const xeroCalls = s.stack.xero.emulator.requestLog.entries.slice(xeroLogged).filter((e) => e.path.startsWith('/api.xro/'));
    expect(xeroCalls.map((e) => `${e.method} ${e.path}`)).toEqual(['GET /api.xro/2.0/Invoices']);
  });

  it('paid in Xero only is named, and gone once the payment is recorded in Clio', async () => {
    const b = await syncedBill('Paid In Xero Co', 400);
    await s.xeroControl('POST', '/payments', { Invoice: { InvoiceID: b.invoice.id }, Account: { Code: '090' }, Amount: b.total, Date: s.today });
    await s.settled();
    let a = await checkNow();
    const [difference] = a.differences.filter((d) => d.clioId === String(b.id));
    expect(difference).toMatchObject({
      kind: 'agreement_bill',
      xeroId: b.invoice.id,
      code: 'PAID_IN_XERO_OPEN_IN_CLIO',
      cause: expect.stringContaining('Paid in Xero, open in Clio'),
      fix: expect.stringContaining('Record the payment in Clio'),
    });
    expect(await groupsOf(b.id)).toEqual(['agreement_bill:PAID_IN_XERO_OPEN_IN_CLIO']);

    await s.clioControl('POST', `/bills/${b.id}/payments`, { amount: b.total, method: 'manual' });
    await s.settled('the Clio payment', { allowRetries: true });
    a = await checkNow();
    expect(differencesOf(a, b.id)).toEqual([]);
    expect(await groupsOf(b.id)).toEqual([]);
  });

  it('an invoice edited in Xero is named, and gone once the edit is undone', async () => {
    const b = await syncedBill('Edited In Xero LLP', 500);
    const [line] = b.invoice.LineItems;
    await s.xeroControl('POST', '/invoices', { InvoiceID: b.invoice.id, LineItems: [{ LineItemID: line!.LineItemID, UnitAmount: 550 }] });
    let a = await checkNow();
    expect(a.differences.find((d) => d.clioId === String(b.id))).toMatchObject({ code: 'EDITED_IN_XERO', detail: expect.stringContaining(`in Clio`) });
    expect(await groupsOf(b.id)).toEqual(['agreement_bill:EDITED_IN_XERO']);

    await s.xeroControl('POST', '/invoices', { InvoiceID: b.invoice.id, LineItems: [{ LineItemID: line!.LineItemID, UnitAmount: 500 }] });
    a = await checkNow();
    expect(differencesOf(a, b.id)).toEqual([]);
    expect(await groupsOf(b.id)).toEqual([]);
  });

  it('an invoice voided in Xero is named, and gone once the bill is voided in Clio too', async () => {
    const b = await syncedBill('Voided In Xero Ltd', 250);
    await s.xeroControl('POST', '/invoices', { InvoiceID: b.invoice.id, Status: 'VOIDED' });
    let a = await checkNow();
    expect(differencesOf(a, b.id)).toEqual(['DELETED_IN_XERO']);
    expect(await groupsOf(b.id)).toEqual(['agreement_bill:DELETED_IN_XERO']);

    await s.clioControl('POST', `/bills/${b.id}/void`);
    await s.settled();
    a = await checkNow();
    expect(differencesOf(a, b.id)).toEqual([]);
    expect(await groupsOf(b.id)).toEqual([]);
  });

  it('a bill whose sync failed is missing in Xero, saying why, and gone once it is sent', async () => {
    const { contactId } = await s.newClient('Nie Gesendet GmbH');
    const matter = await s.clioControl('POST', '/matters', { client_id: contactId, description: 'Advice in EUR', currency: 'EUR' });
    const b = await s.newApprovedBill(matter.id, 300);
    await s.settled();
    expect(s.invoiceByNumber(b.number)).toEqual([]);
    let a = await checkNow();
    expect(a.differences.find((d) => d.clioId === String(b.id))).toMatchObject({
      code: 'MISSING_IN_XERO',
      xeroId: null,
      detail: expect.stringContaining('XERO_CURRENCY_NOT_ENABLED'),
    });
    expect(await groupsOf(b.id)).toEqual(['agreement_bill:MISSING_IN_XERO']);

    s.tenant().currencies.push({ Code: 'EUR', Description: 'Euro' });
    const failed = (await s.errors()).find((g) => g.kind === 'bill' && g.code === 'XERO_CURRENCY_NOT_ENABLED')!;
    expect((await s.call('POST', `/api/sync/errors/${(failed as unknown as { id: string }).id}/retry`)).status).toBe(202);
    await s.settled();
    expect(s.invoiceByNumber(b.number)).toHaveLength(1);
    a = await checkNow();
    expect(differencesOf(a, b.id)).toEqual([]);
    expect(await groupsOf(b.id)).toEqual([]);
  });

  it('an invoice made in Xero that links back to a bill the sync already sent is unknown, and gone once voided', async () => {
    const b = await syncedBill('Copied In Xero Pty', 150);
    const copy = await s.xeroControl('POST', '/invoices', {
      Type: 'ACCREC',
      Contact: { ContactID: b.invoice.ContactID },
      Date: s.today,
      DueDate: s.today,
      Status: 'AUTHORISED',
      Url: b.invoice.Url,
      LineItems: [{ Description: 'Copy of the bill', Quantity: 1, UnitAmount: 150, AccountCode: '200', TaxType: 'OUTPUT' }],
    });
    const copyId = (copy.InvoiceID ?? copy.Invoices?.[0]?.InvoiceID) as string;
    expect(copyId).toBeTruthy();
    let a = await checkNow();
    expect(a.differences.filter((d) => d.clioId === String(b.id)).map((d) => [d.code, d.xeroId])).toEqual([['UNKNOWN_XERO_INVOICE', copyId]]);
    expect(await groupsOf(b.id)).toEqual(['agreement_bill:UNKNOWN_XERO_INVOICE']);

    await s.xeroControl('POST', '/invoices', { InvoiceID: copyId, Status: 'VOIDED' });
    a = await checkNow();
    expect(a).toMatchObject({ differenceCount: 0, differences: [] });
    expect((await s.errors()).filter((g) => g.kind.startsWith('agreement_'))).toEqual([]);
  });
});
