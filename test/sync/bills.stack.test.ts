import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billTotals } from '../emulators/clio/bill-totals';
import { eventually } from '../support/eventually';
import { startSyncStack, type SyncStack, TENANT } from './stack';

/**
 * Each flow of a bill, end to end: the fee earner acts through the Clio emulator's control API,
 * Clio's webhook wakes the engine, and the test asserts what the Xero organisation then holds.
 * Settings sync bills issued from today, so the seeded history stays out of the way (and shows
 * that bills outside the range are left alone).
 */
let s: SyncStack;
let today: string;

const time = (matterId: number, seconds: number, price: number) =>
  s.clioControl('POST', '/activities', { type: 'TimeEntry', quantity: seconds, price, matter: { id: matterId }, note: 'Drafting', tax_setting: 'tax_1_only' });
const expense = (matterId: number, quantity: number, price: number) =>
  s.clioControl('POST', '/activities', { type: 'ExpenseEntry', quantity, price, matter: { id: matterId }, note: 'Search fees', tax_setting: 'tax_1_only' });

async function draftBill(activities: { id: number }[], issuedAt = today): Promise<{ id: number; number: string }> {
  return s.clioControl('POST', '/bills', { activity_ids: activities.map((a) => a.id), issued_at: issuedAt });
}

async function approve(billId: number): Promise<void> {
  await s.clioControl('POST', `/bills/${billId}/approve`);
  await s.settled();
}

const bill = (id: number) => s.clio().bills.require(id);
const invoiceOf = (id: number) => {
  const found = s.invoiceByNumber(bill(id).number);
  expect(found, `invoices numbered ${bill(id).number}`).toHaveLength(1);
  return found[0]!;
};
const lineItemsOf = (billId: number) =>
  s
    .clio()
    .lineItems.all()
    .filter((l) => l.bill_id === billId);

beforeAll(async () => {
  // The emulators' clock gives "today": the seeded bills are all older.
  s = await startSyncStack({ settings: (day) => ({ invoiceStatus: 'AUTHORISED', billDateFrom: day }) });
  today = s.today;
  await s.settled('the first sync');
}, 120_000);
afterAll(() => s?.stack.stop());

describe('bills to Xero', () => {
  it('the first sync leaves bills issued before the start date alone', async () => {
    expect(s.invoices().filter((i) => i.Type === 'ACCREC')).toHaveLength(0);
  });

  it('a realistic bill — time, expenses, a line discount, a whole-bill discount, GST and interest — lands equal to the cent', async () => {
    const { contactId, matterId } = await s.newClient('Harbour View Pty Ltd', 'accounts@harbourview.example');
    const a1 = await time(matterId, 9000, 350); // 2.5 h
    const a2 = await time(matterId, 1200, 420); // 0.3333… h
    const a3 = await expense(matterId, 3, 33.33);
    const b = await draftBill([a1, a2, a3]);
    const [l1] = lineItemsOf(b.id).sort((x, y) => x.id - y.id);
    await s.clioControl('PATCH', `/line_items/${l1!.id}`, { discount: { rate: 10, type: 'percentage' } });
    await s.clioControl('PATCH', `/bills/${b.id}`, { discount: { rate: 5, type: 'percentage' }, discount_services_only: true });
    await approve(b.id);
    await s.clioControl('POST', `/bills/${b.id}/interest`, { amount: 12.34 });
    await s.settled();

    const totals = billTotals(s.clio(), bill(b.id));
    const inv = invoiceOf(b.id);
    expect(inv.Status).toBe('AUTHORISED');
    expect(inv.Total).toBe(totals.total);
    expect(inv.TotalTax).toBe(totals.total_tax);
    expect(inv.Url).toContain(`/bills/${b.id}`);
    const byAccount = (code: string) => inv.LineItems.filter((l) => l.AccountCode === code);
    expect(byAccount('200').filter((l) => l.LineAmount > 0)).toHaveLength(2); // time
    expect(byAccount('200').filter((l) => l.LineAmount < 0)).toHaveLength(1); // the whole-bill discount, services only
    expect(byAccount('210')).toHaveLength(1); // the expense
    expect(byAccount('270')).toEqual([expect.objectContaining({ LineAmount: 12.34, TaxAmount: 0, TaxType: 'EXEMPTOUTPUT' })]);
    const contact = s.tenant().contacts.get(inv.ContactID)!;
    expect(contact.Name).toBe('Harbour View Pty Ltd');
    expect(contact.fields.ContactNumber).toBe(`CLIO-${contactId}`);
  });

  it('a client whose name another Xero contact already has gets a visible, unique name — never a merge', async () => {
    const existing = [...s.tenant().contacts.values()].find((c) => c.Name === 'Officeworks Supplies')!;
    const { contactId, matterId } = await s.newClient('Officeworks Supplies', 'legal@officeworks-other.example');
    const b = await draftBill([await time(matterId, 3600, 300)]);
    await approve(b.id);
    const inv = invoiceOf(b.id);
    expect(inv.ContactID).not.toBe(existing.ContactID);
    expect(s.tenant().contacts.get(inv.ContactID)!.Name).toBe(`Officeworks Supplies (Clio ${contactId})`);
    expect(s.tenant().contacts.get(existing.ContactID)!.Name).toBe('Officeworks Supplies');
  });

  it('a client’s edit in Clio reaches its Xero contact; fields only Xero has stay as the bookkeeper set them', async () => {
    const { contactId, matterId } = await s.newClient('Edit Client Pty Ltd', 'old@client.example');
    const b = await draftBill([await time(matterId, 1800, 300)]);
    await approve(b.id);
    const xeroId = invoiceOf(b.id).ContactID;
    await s.xeroControl('POST', '/contacts', { ContactID: xeroId, TaxNumber: '12 345 678 901', FirstName: 'Pat', LastName: 'Accounts' });
    await s.clioControl('PATCH', `/contacts/${contactId}`, {
      name: 'Edit Client Legal Pty Ltd',
      email_addresses: [{ name: 'Work', address: 'new@client.example', default_email: true }],
    });
    await s.settled();
    const contact = s.tenant().contacts.get(xeroId)!;
    expect(contact.Name).toBe('Edit Client Legal Pty Ltd');
    expect(contact.fields.EmailAddress).toBe('new@client.example');
    expect(contact.fields).toMatchObject({ TaxNumber: '12 345 678 901', FirstName: 'Pat', LastName: 'Accounts' });
  });

  it('an edit of an approved bill updates its invoice in place: same LineItemIDs, the bookkeeper’s account kept', async () => {
    const { matterId } = await s.newClient('Edit Me Legal', 'edit@me.example');
    const b = await draftBill([await time(matterId, 3600, 300), await expense(matterId, 1, 80)]);
    await approve(b.id);
    const before = invoiceOf(b.id);
    // The bookkeeper recodes the expense line in Xero.
    const lines = before.LineItems.map((l) => ({ LineItemID: l.LineItemID, ...(l.AccountCode === '210' ? { AccountCode: '260' } : {}) }));
    await s.xeroControl('POST', '/invoices', { InvoiceID: before.id, LineItems: lines });
    const timeLine = lineItemsOf(b.id).find((l) => l.kind === 'Service')!;
    await s.clioControl('PATCH', `/line_items/${timeLine.id}`, { price: 320 });
    await s.settled();
    const after = invoiceOf(b.id);
    expect(after.id).toBe(before.id);
    expect(after.Total).toBe(billTotals(s.clio(), bill(b.id)).total);
    expect(after.LineItems.map((l) => l.LineItemID).sort()).toEqual(before.LineItems.map((l) => l.LineItemID).sort());
    expect(after.LineItems.find((l) => l.Description.startsWith('Search') || l.AccountCode === '260')?.AccountCode).toBe('260');
  });

  it('an edit of a bill already paid in Xero is refused by Xero and stored with its fix; the invoice is unchanged', async () => {
    const { matterId } = await s.newClient('Paid Up Pty Ltd', 'paid@up.example');
    const b = await draftBill([await time(matterId, 3600, 300)]);
    await approve(b.id);
    const inv = invoiceOf(b.id);
    await s.xeroControl('POST', '/payments', { Invoice: { InvoiceID: inv.id }, Account: { Code: '090' }, Amount: inv.Total, Date: today });
    const line = lineItemsOf(b.id)[0]!;
    await s.clioControl('PATCH', `/line_items/${line.id}`, { price: 310 });
    await s.settled();
    expect(invoiceOf(b.id).Total).toBe(inv.Total);
    expect(invoiceOf(b.id).Status).toBe('PAID');
    const errors = await s.errors();
    expect(errors).toContainEqual(expect.objectContaining({ code: 'XERO_PAID_LINE_EDIT', kind: 'bill', clioIds: [String(b.id)] }));
    const record = await s.call('GET', `/api/records/bill/${b.id}`);
    expect(record.body.link).toMatchObject({ state: 'failed', errorCode: 'XERO_PAID_LINE_EDIT' });
  });

  it('a void in Clio voids the invoice', async () => {
    const { matterId } = await s.newClient('Void Co', 'void@co.example');
    const b = await draftBill([await time(matterId, 1800, 300)]);
    await approve(b.id);
    await s.clioControl('POST', `/bills/${b.id}/void`);
    await s.settled();
    expect(invoiceOf(b.id).Status).toBe('VOIDED');
  });

  it('a void in Clio of a bill paid in Xero is refused by Xero and says what to do', async () => {
    const { matterId } = await s.newClient('Void Paid Co', 'voidpaid@co.example');
    const b = await draftBill([await time(matterId, 1800, 300)]);
    await approve(b.id);
    const inv = invoiceOf(b.id);
    await s.xeroControl('POST', '/payments', { Invoice: { InvoiceID: inv.id }, Account: { Code: '090' }, Amount: 10, Date: today });
    await s.clioControl('POST', `/bills/${b.id}/void`);
    await s.settled();
    expect(invoiceOf(b.id).Status).toBe('AUTHORISED');
    expect(await s.errors()).toContainEqual(expect.objectContaining({ code: 'XERO_VOID_HAS_PAYMENTS', clioIds: [String(b.id)] }));
  });

  it('a credit memo becomes a credit note on the credit-notes account, allocated to the bill’s invoice', async () => {
    const { matterId } = await s.newClient('Credit Me Pty Ltd', 'credit@me.example');
    const b = await draftBill([await time(matterId, 7200, 250)]);
    await approve(b.id);
    await s.clioControl('POST', `/bills/${b.id}/credit_memos`, { amount: 50, description: 'Goodwill' });
    await s.settled();
    const inv = invoiceOf(b.id);
    const notes = [...s.tenant().creditNotes.values()].filter((n) => n.ContactID === inv.ContactID);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ Total: 50, Status: 'PAID' });
    expect(notes[0]!.LineItems).toEqual([expect.objectContaining({ AccountCode: '280', LineAmount: 50 })]);
    expect(s.stack.xero.emulator.state.tenants.get(TENANT)!.allocations.size).toBeGreaterThan(0);
    const due = await eventually(() => s.invoiceByNumber(bill(b.id).number)[0], 'invoice');
    expect(Math.round((due.Total - 50) * 100)).toBe(Math.round(billTotals(s.clio(), bill(b.id)).balance * 100));
  });

  it('a bill issued before the start date is left alone even when approved', async () => {
    const { matterId } = await s.newClient('Too Early Ltd', 'early@ltd.example');
    const b = await draftBill([await time(matterId, 1800, 300)], '2026-01-15');
    await approve(b.id);
    expect(s.invoiceByNumber(bill(b.id).number)).toHaveLength(0);
    const record = await s.call('GET', `/api/records/bill/${b.id}`);
    expect(record.body.link).toBeNull();
  });

  it('with hard costs off, the activity webhooks of all this billing cost no Clio read', async () => {
    const log = (await s.clioControl('GET', '/requests')) as { method: string; path: string }[];
    expect(log.filter((r) => r.path.startsWith('/api/v4/activities')).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(s.clio().activities.all().length).toBeGreaterThan(0);
  });

  it('nothing failed that the tests did not cause', async () => {
    const codes = (await s.errors()).map((e) => e.code).sort();
    expect(codes).toEqual(['XERO_PAID_LINE_EDIT', 'XERO_VOID_HAS_PAYMENTS']);
  });
});
