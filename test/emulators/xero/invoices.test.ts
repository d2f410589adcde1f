import { describe, expect, it } from 'vitest';
import { contactId, createInvoice, first, invoiceInput, setup, type Harness } from './harness';
import type { JsonObject } from './store';

const lines = (inv: JsonObject) => inv.LineItems as JsonObject[];

async function post(h: Harness, id: unknown, body: JsonObject, query = '?unitdp=4') {
  return h.call('POST', `/Invoices/${String(id)}${query}`, { body: { Invoices: [body] } });
}

describe('invoice totals', () => {
  it('rounds tax per line (Exclusive) and keeps 4 dp unit amounts only with unitdp=4', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const lineItems = [
      { Description: 'a', Quantity: 1, UnitAmount: 10.05, AccountCode: '200' },
      { Description: 'b', Quantity: 1, UnitAmount: 10.05, AccountCode: '200' },
      { Description: 'c', Quantity: 3, UnitAmount: 33.3333, AccountCode: '200' },
    ];
    const inv = await createInvoice(h, jane, { LineItems: lineItems });
    // 10.05 → tax 1.005 → 1.01 per line (total-then-tax would give 2.01 for the first two)
    expect(lines(inv).map((l) => [l.UnitAmount, l.LineAmount, l.TaxAmount])).toEqual([
      [10.05, 10.05, 1.01],
      [10.05, 10.05, 1.01],
      [33.3333, 100, 10],
    ]);
    expect(inv).toMatchObject({ SubTotal: 120.1, TotalTax: 12.02, Total: 132.12, AmountDue: 132.12, LineAmountTypes: 'Exclusive' });
    const twoDp = await h.call('PUT', '/Invoices', { body: { Invoices: [invoiceInput(jane, { LineItems: [lineItems[2] as JsonObject] })] } });
    expect(lines(first(twoDp, 'Invoices'))[0]).toMatchObject({ UnitAmount: 33.33, LineAmount: 99.99, TaxAmount: 10 });
  });

  it('computes Inclusive and NoTax, and applies discounts', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const inclusive = await createInvoice(h, jane, {
      LineAmountTypes: 'Inclusive',
      LineItems: [
        { Description: 'x', Quantity: 1, UnitAmount: 100, AccountCode: '200' },
        { Description: 'y', Quantity: 1, UnitAmount: 0.55, AccountCode: '200' },
      ],
    });
    expect(inclusive).toMatchObject({ TotalTax: 9.14, SubTotal: 91.41, Total: 100.55 });
    const noTax = await createInvoice(h, jane, {
      LineAmountTypes: 'NoTax',
      LineItems: [{ Description: 'x', Quantity: 2, UnitAmount: 12.5, AccountCode: '270', DiscountRate: 10 }],
    });
    expect(noTax).toMatchObject({ TotalTax: 0, SubTotal: 22.5, Total: 22.5, IsDiscounted: true });
  });

  it('rejects bad account codes, archived accounts, unknown tax types and unsupported currencies', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const r = await h.call('PUT', '/Invoices?summarizeErrors=false', {
      body: {
        Invoices: [
          invoiceInput(jane, { LineItems: [{ Description: 'x', Quantity: 1, UnitAmount: 1, AccountCode: '999' }] }),
          invoiceInput(jane, { LineItems: [{ Description: 'x', Quantity: 1, UnitAmount: 1, AccountCode: '205' }] }),
          invoiceInput(jane, { LineItems: [{ Description: 'x', Quantity: 1, UnitAmount: 1, AccountCode: '200', TaxType: 'OUTPUT2' }] }),
          invoiceInput(jane, { CurrencyCode: 'EUR' }),
        ],
      },
    });
    const errors = (r.body.Invoices as JsonObject[]).map((i) => (i.ValidationErrors as { Message: string }[])[0]?.Message);
    expect(errors).toEqual([
      "Account code '999' is not a valid code for this document.",
      "The account code '205' has been archived, or has been deleted. Each line item must reference a valid account.",
      "The TaxType code 'OUTPUT2' does not exist or cannot be used with this type of transaction.",
      'Organisation is not subscribed to currency EUR',
    ]);
    expect((r.body.Invoices as JsonObject[]).every((i) => i.HasErrors === true && i.InvoiceID === '00000000-0000-0000-0000-000000000000')).toBe(true);
  });
});

describe('invoice numbers, contacts and reads', () => {
  it('numbers invoices automatically and refuses a duplicate InvoiceNumber', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    expect((await createInvoice(h, jane)).InvoiceNumber).toBe('INV-0001');
    await createInvoice(h, jane, { InvoiceNumber: 'CLIO-1001' });
    const dup = await h.call('PUT', '/Invoices', { body: { Invoices: [invoiceInput(jane, { InvoiceNumber: 'CLIO-1001' })] } });
    expect(dup.status).toBe(400);
    expect((dup.body.Elements as JsonObject[])[0]?.ValidationErrors).toEqual([{ Message: 'Invoice # must be unique.' }]);
  });

  it('matches or creates the contact from a Name and refuses archived contacts', async () => {
    const h = setup();
    const byName = await h.call('PUT', '/Invoices', { body: { Invoices: [{ ...invoiceInput(''), Contact: { Name: 'Brand New Client' } }] } });
    expect((first(byName, 'Invoices').Contact as JsonObject).Name).toBe('Brand New Client');
    const archived = await h.call('PUT', '/Invoices', { body: { Invoices: [{ ...invoiceInput(''), Contact: { Name: 'Former Client Pty Ltd' } }] } });
    // An archived name does not match, so a fresh active contact is created — like Xero.
    expect(archived.status).toBe(200);
    const old = first(await h.call('GET', `/Contacts?includeArchived=true&where=${encodeURIComponent('ContactStatus=="ARCHIVED"')}`), 'Contacts');
    const refused = await h.call('PUT', '/Invoices', { body: { Invoices: [invoiceInput(String(old.ContactID))] } });
    expect((refused.body.Elements as JsonObject[])[0]?.ValidationErrors).toEqual([
      { Message: 'The contact with the specified contact details has been archived. The contact must be un-archived before creating new invoices or credit notes.' },
    ]);
  });

  it('un-paged lists omit line items; page= and GET by id or number include them; filters work', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const inv = await createInvoice(h, jane, { InvoiceNumber: 'CLIO-7' });
    await createInvoice(h, jane, { Status: 'DRAFT' });
    expect(first(await h.call('GET', '/Invoices'), 'Invoices').LineItems).toBeUndefined();
    expect(first(await h.call('GET', '/Invoices?page=1'), 'Invoices').LineItems).toHaveLength(2);
    expect(first(await h.call('GET', '/Invoices/CLIO-7'), 'Invoices').InvoiceID).toBe(inv.InvoiceID);
    expect((await h.call('GET', '/Invoices?Statuses=DRAFT')).body.Invoices).toHaveLength(1);
    expect((await h.call('GET', `/Invoices?where=${encodeURIComponent('Status=="AUTHORISED" AND Type=="ACCREC"')}`)).body.Invoices).toHaveLength(1);
    expect((await h.call('GET', `/Invoices?ContactIDs=${jane}&InvoiceNumbers=CLIO-7`)).body.Invoices).toHaveLength(1);
    const where = (w: string) => h.call('GET', `/Invoices?where=${encodeURIComponent(w)}`);
    expect((await where(`Contact.ContactID==Guid("${jane.toUpperCase()}") AND Date>=DateTime(2026,11,20)`)).body.Invoices).toHaveLength(2);
    expect((await where('Date>DateTime(2026,11,20)')).body.Invoices).toHaveLength(0);
    const got = first(await h.call('GET', `/Invoices/${String(inv.InvoiceID)}`), 'Invoices');
    expect(got).toMatchObject({ DateString: '2026-11-20T00:00:00', Date: `/Date(${Date.UTC(2026, 10, 20)}+0000)/`, DueDateString: '2026-12-20T00:00:00' });
  });
});

describe('status transitions', () => {
  const cases: [string, string, boolean][] = [
    ['DRAFT', 'SUBMITTED', true],
    ['DRAFT', 'AUTHORISED', true],
    ['DRAFT', 'DELETED', true],
    ['DRAFT', 'VOIDED', false],
    ['SUBMITTED', 'AUTHORISED', true],
    ['SUBMITTED', 'DRAFT', true],
    ['SUBMITTED', 'DELETED', true],
    ['AUTHORISED', 'VOIDED', true],
    ['AUTHORISED', 'DELETED', false],
    ['AUTHORISED', 'DRAFT', false],
    ['AUTHORISED', 'PAID', false],
  ];
  it.each(cases)('%s → %s allowed: %s', async (from, to, allowed) => {
    const h = setup();
    const inv = await createInvoice(h, await contactId(h, 'Jane Citizen'), { Status: from });
    const r = await post(h, inv.InvoiceID, { Status: to });
    expect(r.status).toBe(allowed ? 200 : 400);
    const now = first(await h.call('GET', `/Invoices/${String(inv.InvoiceID)}`), 'Invoices');
    expect(now.Status).toBe(allowed ? to : from);
  });

  it('nothing leaves VOIDED or DELETED, and approval needs a DueDate', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const voided = await createInvoice(h, jane);
    await post(h, voided.InvoiceID, { Status: 'VOIDED' });
    const again = await post(h, voided.InvoiceID, { Status: 'AUTHORISED' });
    expect((again.body.Elements as JsonObject[])[0]?.ValidationErrors).toEqual([{ Message: 'Invoice not of valid status for modification' }]);
    const noDue = await h.call('PUT', '/Invoices', { body: { Invoices: [{ ...invoiceInput(jane), DueDate: undefined }] }, skipRequestValidation: true });
    expect((noDue.body.Elements as JsonObject[])[0]?.ValidationErrors).toEqual([{ Message: 'The document DueDate field must be specified' }]);
  });
});

describe('line item updates', () => {
  it('keeps lines sent with their LineItemID and replaces lines sent without one', async () => {
    const h = setup();
    const inv = await createInvoice(h, await contactId(h, 'Jane Citizen'));
    const [fees, search] = lines(inv) as [JsonObject, JsonObject];
    const kept = first(
      await post(h, inv.InvoiceID, {
        LineItems: [{ LineItemID: String(fees.LineItemID), Quantity: 3 }, { LineItemID: String(search.LineItemID) }],
        Status: 'AUTHORISED',
      }),
      'Invoices',
    );
    expect(lines(kept).map((l) => l.LineItemID)).toEqual([fees.LineItemID, search.LineItemID]);
    expect(lines(kept)[0]).toMatchObject({ Description: 'Professional fees', LineAmount: 750 });
    const replaced = first(
      await post(h, inv.InvoiceID, { LineItems: [{ Description: 'Professional fees', Quantity: 3, UnitAmount: 250, AccountCode: '200' }] }),
      'Invoices',
    );
    expect(lines(replaced)).toHaveLength(1);
    expect(lines(replaced)[0]?.LineItemID).not.toBe(fees.LineItemID);
    expect(replaced.Total).toBe(825);
  });

  it("on a part-paid invoice: lines without LineItemID fail with Xero's message; descriptions may change, amounts may not", async () => {
    const h = setup();
    const inv = await createInvoice(h, await contactId(h, 'Jane Citizen'));
    await h.call('PUT', '/Payments', { body: { Payments: [{ Invoice: { InvoiceID: inv.InvoiceID }, Account: { Code: '090' }, Date: '2026-11-21', Amount: 100 }] } });
    const noIds = await post(h, inv.InvoiceID, { LineItems: [{ Description: 'New line', Quantity: 1, UnitAmount: 5, AccountCode: '200' }] });
    expect(noIds.status).toBe(400);
    expect((noIds.body.Elements as JsonObject[])[0]?.ValidationErrors).toEqual([
      { Message: 'To update fields on a paid invoice line item, you must supply a LineItemID' },
    ]);
    const [a, b] = lines(inv) as [JsonObject, JsonObject];
    const amount = await post(h, inv.InvoiceID, {
      LineItems: [{ LineItemID: String(a.LineItemID), Description: 'Fees (renamed)', UnitAmount: 1 }, { LineItemID: String(b.LineItemID) }],
    });
    expect((amount.body.Elements as JsonObject[])[0]?.ValidationErrors).toEqual([
      { Message: 'This document cannot be edited as it has a payment or credit note allocated to it.' },
    ]);
    const edited = await post(h, inv.InvoiceID, {
      LineItems: [{ LineItemID: String(a.LineItemID), Description: 'Fees (renamed)', UnitAmount: 250 }, { LineItemID: String(b.LineItemID) }],
    });
    expect(edited.status).toBe(200);
    const after = first(await h.call('GET', `/Invoices/${String(inv.InvoiceID)}`), 'Invoices');
    expect(lines(after)[0]).toMatchObject({ Description: 'Fees (renamed)', UnitAmount: 250 });
    expect(after.Total).toBe(inv.Total);
  });
});

describe('lock dates', () => {
  it('refuses documents dated on or before the lock date, and edits to locked documents', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const locked = await h.call('PUT', '/Invoices', { body: { Invoices: [invoiceInput(jane, { Date: '2025-12-31' })] } });
    expect((locked.body.Elements as JsonObject[])[0]?.ValidationErrors).toEqual([
      { Message: 'The document date cannot be before the period lock date, currently set at 31 Dec 2025' },
    ]);
    const inv = await createInvoice(h, jane, { Date: '2026-03-01' });
    await h.control('PATCH', `/tenants/${'3f6a8e2c-1b4d-4c9e-8f7a-2d5b6c7e8f90'}/organisation`, { PeriodLockDate: '2026-03-31' });
    const voiding = await post(h, inv.InvoiceID, { Status: 'VOIDED' });
    expect(voiding.status).toBe(400);
  });
});
