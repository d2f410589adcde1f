// What the real service refuses, with its own words (sources in line-items.ts, documents.ts,
// contacts.ts), and line discounts. Figures are worked by hand from Xero's documented arithmetic.
import { describe, expect, it } from 'vitest';
import { contactId, createInvoice, first, invoiceInput, setup, type Harness } from './harness';
import type { JsonObject } from './store';

const ZERO = '00000000-0000-0000-0000-000000000000';
const lines = (doc: JsonObject) => doc.LineItems as JsonObject[];
const messages = (element: JsonObject | undefined) => ((element?.ValidationErrors ?? []) as { Message: string }[]).map((e) => e.Message);
const line = (extra: JsonObject): JsonObject => ({ Description: 'Fees', Quantity: 1, UnitAmount: 100, AccountCode: '200', ...extra });

/** PUT with summarizeErrors=false: every element comes back; returns them in order. */
async function putAll(h: Harness, key: 'Invoices' | 'CreditNotes' | 'BankTransactions' | 'Contacts', elements: JsonObject[]): Promise<JsonObject[]> {
  const r = await h.call('PUT', `/${key}?summarizeErrors=false&unitdp=4`, { body: { [key]: elements } });
  expect(r.status).toBe(200);
  return r.body[key] as JsonObject[];
}

const creditNote = (contactID: string, extra: JsonObject = {}): JsonObject => ({
  Type: 'ACCRECCREDIT',
  Contact: { ContactID: contactID },
  Date: '2026-11-20',
  Status: 'AUTHORISED',
  LineItems: [line({})],
  ...extra,
});

const spend = (contactID: string, extra: JsonObject = {}): JsonObject => ({
  Type: 'SPEND',
  Contact: { ContactID: contactID },
  BankAccount: { Code: '090' },
  Date: '2026-11-20',
  LineItems: [line({ AccountCode: '429' })],
  ...extra,
});

describe('line accounts', () => {
  it('refuses a line without an account on SUBMITTED/AUTHORISED documents and bank transactions; DRAFT may lack it', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const noAccount = { Description: 'Fees', Quantity: 1, UnitAmount: 100 };
    const [authorised, submitted, draft, itemOnly] = await putAll(h, 'Invoices', [
      invoiceInput(jane, { LineItems: [noAccount] }),
      invoiceInput(jane, { Status: 'SUBMITTED', LineItems: [noAccount] }),
      invoiceInput(jane, { Status: 'DRAFT', LineItems: [noAccount] }),
      invoiceInput(jane, { LineItems: [{ ...noAccount, ItemCode: 'FEES' }] }),
    ]);
    expect(messages(authorised)).toEqual(['Account code or ID must be specified']);
    expect(authorised).toMatchObject({ HasErrors: true, StatusAttributeString: 'ERROR', InvoiceID: ZERO });
    expect(messages(submitted)).toEqual(['Account code or ID must be specified']);
    expect(draft).toMatchObject({ HasErrors: false, Status: 'DRAFT', Total: 110 });
    expect(itemOnly).toMatchObject({ HasErrors: false });
    // Approving the draft without fixing its line is refused too, and the element keeps its id.
    const approve = await h.call('POST', `/Invoices/${String(draft?.InvoiceID)}?summarizeErrors=false`, { body: { Invoices: [{ Status: 'AUTHORISED' }] } });
    expect(first(approve, 'Invoices')).toMatchObject({ HasErrors: true, InvoiceID: draft?.InvoiceID });
    expect(messages(first(approve, 'Invoices'))).toEqual(['Account code or ID must be specified']);

    const [note] = await putAll(h, 'CreditNotes', [creditNote(jane, { LineItems: [noAccount] })]);
    expect(messages(note)).toEqual(['Account code or ID must be specified']);
    expect(note).toMatchObject({ HasErrors: true, CreditNoteID: ZERO });
    const [tx] = await putAll(h, 'BankTransactions', [spend(jane, { LineItems: [noAccount] })]);
    expect(messages(tx)).toEqual(['Account code or ID must be specified']);
    expect(tx).toMatchObject({ HasErrors: true, BankTransactionID: ZERO });
  });

  it('refuses system accounts on lines, except Rounding', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const results = await putAll(
      h,
      'Invoices',
      ['610', '800', '820', '960', '860'].map((code) => invoiceInput(jane, { LineItems: [line({ AccountCode: code, TaxType: 'BASEXCLUDED' })] })),
    );
    expect(results.slice(0, 4).map(messages)).toEqual(['610', '800', '820', '960'].map((code) => [`Account code '${code}' is not a valid code for this document.`]));
    expect(results[4]).toMatchObject({ HasErrors: false, Total: 100 });
  });

  it('refuses a tax type the account class cannot carry', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const results = await putAll(h, 'Invoices', [
      invoiceInput(jane, { LineItems: [line({ TaxType: 'INPUT' })] }),
      invoiceInput(jane, { LineItems: [line({ TaxType: 'GSTONIMPORTS' })] }),
      invoiceInput(jane, { LineItems: [line({ AccountCode: '400', TaxType: 'OUTPUT' })] }),
      invoiceInput(jane, { LineItems: [line({ AccountCode: '404', TaxType: 'EXEMPTOUTPUT' })] }),
      invoiceInput(jane, { LineItems: [line({ TaxType: 'BASEXCLUDED' }), line({ AccountCode: '400', TaxType: 'BASEXCLUDED' })] }),
    ]);
    expect(results.slice(0, 4).map(messages)).toEqual([
      ["The TaxType code 'INPUT' cannot be used with account code '200'."],
      ["The TaxType code 'GSTONIMPORTS' cannot be used with account code '200'."],
      ["The TaxType code 'OUTPUT' cannot be used with account code '400'."],
      ["The TaxType code 'EXEMPTOUTPUT' cannot be used with account code '404'."],
    ]);
    expect(results[4]).toMatchObject({ HasErrors: false, Total: 200 });
    const [tx] = await putAll(h, 'BankTransactions', [spend(jane, { LineItems: [line({ AccountCode: '429', TaxType: 'OUTPUT' })] })]);
    expect(messages(tx)).toEqual(["The TaxType code 'OUTPUT' cannot be used with account code '429'."]);
    // The published flags say the same thing.
    const rates = (await h.call('GET', '/TaxRates')).body.TaxRates as JsonObject[];
    expect(rates.find((r) => r.TaxType === 'INPUT')).toMatchObject({ CanApplyToRevenue: false, CanApplyToExpenses: true });
    expect(rates.find((r) => r.TaxType === 'GSTONIMPORTS')).toMatchObject({ CanApplyToRevenue: false, CanApplyToExpenses: false, CanApplyToLiabilities: true });
  });
});

describe('document totals', () => {
  it('refuses a negative total on invoices, credit notes and bank transactions; negative lines are fine', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const negative = [line({}), line({ Description: 'Write-off', UnitAmount: -150 })];
    const [bad, good] = await putAll(h, 'Invoices', [
      invoiceInput(jane, { LineItems: negative }),
      invoiceInput(jane, { LineItems: [line({}), line({ Description: 'Discount', UnitAmount: -50 })] }),
    ]);
    expect(messages(bad)).toEqual(['The Total for this document must be greater than or equal to zero.']);
    // 100 − 50 = 50; tax 10 + (−5) = 5; total 55.
    expect(good).toMatchObject({ HasErrors: false, SubTotal: 50, TotalTax: 5, Total: 55 });
    const [note] = await putAll(h, 'CreditNotes', [creditNote(jane, { LineItems: negative })]);
    expect(messages(note)).toEqual(['The Total for this document must be greater than or equal to zero.']);
    const [tx] = await putAll(h, 'BankTransactions', [spend(jane, { LineItems: negative.map((l) => ({ ...l, AccountCode: '429' })) })]);
    expect(messages(tx)).toEqual(['The Total for this document must be greater than or equal to zero.']);
  });
});

describe('bank transaction tax', () => {
  it('refuses a TaxAmount that differs from its own per-line computation, accepts one that equals it', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    // INPUT is 10% (seed): 522.80 Exclusive → 52.28, the xero-node issue 768 figures.
    const [bad, good, computed] = await putAll(h, 'BankTransactions', [
      spend(jane, { LineAmountTypes: 'Exclusive', LineItems: [line({ AccountCode: '429', UnitAmount: 522.8, TaxType: 'INPUT', TaxAmount: 52.23 })] }),
      spend(jane, { LineAmountTypes: 'Exclusive', LineItems: [line({ AccountCode: '429', UnitAmount: 522.8, TaxType: 'INPUT', TaxAmount: 52.28 })] }),
      spend(jane, { LineAmountTypes: 'Exclusive', LineItems: [line({ AccountCode: '429', UnitAmount: 522.8, TaxType: 'INPUT' })] }),
    ]);
    expect(messages(bad)).toEqual(['Tax amount 52.23 is incorrect for INPUT tax type, should be 52.28']);
    expect(bad!.BankTransactionID ?? ZERO).toBe(ZERO);
    expect(good).toMatchObject({ HasErrors: false, TotalTax: 52.28, Total: 575.08 });
    expect(computed).toMatchObject({ HasErrors: false, TotalTax: 52.28, Total: 575.08 });
    // Invoices keep the override (Xero's rounding guide discourages it but allows it).
    const [invoice] = await putAll(h, 'Invoices', [invoiceInput(jane, { LineItems: [line({ UnitAmount: 522.8, TaxAmount: 52.23 })] })]);
    expect(invoice).toMatchObject({ HasErrors: false, TotalTax: 52.23 });
  });
});

describe('contact numbers', () => {
  it('refuses a ContactNumber another contact holds, on create and on update', async () => {
    const h = setup();
    const [created] = await putAll(h, 'Contacts', [{ Name: 'New Client Pty Ltd', ContactNumber: 'ACME01' }]);
    const message = 'The contact number ACME01 is already assigned to another contact. The contact number must be unique across all contacts.';
    expect(messages(created)).toEqual([message]);
    expect(created).toMatchObject({ HasValidationErrors: true, ContactID: ZERO });
    const jane = await contactId(h, 'Jane Citizen');
    const updated = await h.call('POST', `/Contacts/${jane}?summarizeErrors=false`, { body: { Contacts: [{ ContactNumber: 'ACME01' }] } });
    expect(first(updated, 'Contacts')).toMatchObject({ HasValidationErrors: true, ContactID: jane });
    expect(messages(first(updated, 'Contacts'))).toEqual([message]);
    // Re-sending a contact's own number is not a clash.
    const acme = await contactId(h, 'Acme Holdings Pty Ltd');
    const same = await h.call('POST', `/Contacts/${acme}`, { body: { Contacts: [{ ContactNumber: 'ACME01', EmailAddress: 'ap@acme-holdings.example' }] } });
    expect(same.status).toBe(200);
  });
});

describe('a fully paid invoice', () => {
  async function paidInvoice(h: Harness) {
    const inv = await createInvoice(h, await contactId(h, 'Jane Citizen'));
    const pay = await h.call('PUT', '/Payments', {
      body: { Payments: [{ Invoice: { InvoiceID: inv.InvoiceID }, Account: { Code: '090' }, Date: '2026-11-21', Amount: inv.Total }] },
    });
    expect(pay.status).toBe(200);
    const paid = first(await h.call('GET', `/Invoices/${String(inv.InvoiceID)}?unitdp=4`), 'Invoices');
    expect(paid.Status).toBe('PAID');
    return paid;
  }
  const post = (h: Harness, id: unknown, body: JsonObject) => h.call('POST', `/Invoices/${String(id)}?summarizeErrors=false&unitdp=4`, { body: { Invoices: [body] } });
  const locked = 'This document cannot be edited as it has a payment or credit note allocated to it.';
  const lineIdRule = 'To update fields on a paid invoice line item, you must supply a LineItemID';

  it('accepts Reference, DueDate and line Description/AccountCode/Tracking', async () => {
    const h = setup();
    const paid = await paidInvoice(h);
    const [a, b] = lines(paid) as [JsonObject, JsonObject];
    const r = await post(h, paid.InvoiceID, {
      Reference: 'Clio bill 42',
      DueDate: '2027-01-31',
      LineItems: [
        { LineItemID: String(a.LineItemID), Description: 'Professional fees (Nov)', AccountCode: '260', Tracking: [{ Name: 'Practice Area', Option: 'Litigation' }] },
        { LineItemID: String(b.LineItemID), Quantity: Number(b.Quantity), UnitAmount: Number(b.UnitAmount) },
      ],
    });
    const saved = first(r, 'Invoices');
    expect(saved).toMatchObject({ HasErrors: false, Status: 'PAID', Reference: 'Clio bill 42', DueDateString: '2027-01-31T00:00:00', Total: paid.Total });
    expect(lines(saved)[0]).toMatchObject({ Description: 'Professional fees (Nov)', AccountCode: '260', LineAmount: 500 });
  });

  it('refuses header money fields, amount edits, and added or dropped lines', async () => {
    const h = setup();
    const paid = await paidInvoice(h);
    const [a, b] = lines(paid) as [JsonObject, JsonObject];
    const keep = (extra: JsonObject = {}) => [{ LineItemID: String(a.LineItemID), ...extra }, { LineItemID: String(b.LineItemID) }];
    const cases: [JsonObject, string][] = [
      [{ Date: '2026-11-19' }, locked],
      [{ LineAmountTypes: 'Inclusive' }, locked],
      [{ Contact: { ContactID: await contactId(h, 'Acme Holdings Pty Ltd') } }, locked],
      [{ LineItems: keep({ Quantity: 3 }) }, locked],
      [{ LineItems: keep({ UnitAmount: 200 }) }, locked],
      [{ LineItems: keep({ LineAmount: 400 }) }, locked],
      [{ LineItems: keep({ DiscountRate: 10 }) }, locked],
      [{ LineItems: keep({ DiscountAmount: 5 }) }, locked],
      [{ LineItems: keep({ TaxAmount: 1 }) }, locked],
      [{ LineItems: keep({ TaxType: 'EXEMPTOUTPUT' }) }, locked],
      [{ LineItems: [...keep(), line({ Description: 'Extra' })] }, lineIdRule],
      [{ LineItems: keep().slice(0, 1) }, lineIdRule],
    ];
    for (const [body, message] of cases) {
      const r = await post(h, paid.InvoiceID, body);
      const element = first(r, 'Invoices');
      expect(element.HasErrors, JSON.stringify(body)).toBe(true);
      expect(element.InvoiceID).toBe(paid.InvoiceID);
      expect(messages(element)).toContain(message);
    }
    const after = first(await h.call('GET', `/Invoices/${String(paid.InvoiceID)}?unitdp=4`), 'Invoices');
    expect(after).toMatchObject({ Total: paid.Total, Status: 'PAID', DateString: paid.DateString });
    expect(lines(after)).toHaveLength(2);
  });
});

describe('line discounts', () => {
  it('honours DiscountAmount and DiscountRate on ACCREC lines', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const inv = await createInvoice(h, jane, {
      LineItems: [
        line({ Quantity: 2, UnitAmount: 250, DiscountAmount: 50 }), // 500 − 50 = 450; GST 45
        line({ DiscountRate: 10 }), // 100 × 0.9 = 90; GST 9
        { Description: 'From LineAmount', Quantity: 4, LineAmount: 380, DiscountAmount: 20, AccountCode: '200' }, // U = (380 + 20) / 4 = 100; GST 38
      ],
    });
    expect(lines(inv).map((l) => [l.UnitAmount, l.LineAmount, l.TaxAmount, l.DiscountAmount ?? null, l.DiscountRate ?? null])).toEqual([
      [250, 450, 45, 50, null],
      [100, 90, 9, null, 10],
      [100, 380, 38, 20, null],
    ]);
    expect(inv).toMatchObject({ SubTotal: 920, TotalTax: 92, Total: 1012, IsDiscounted: true });
    // Re-saved without the discount fields (status only), the discount stays.
    const again = first(await h.call('POST', `/Invoices/${String(inv.InvoiceID)}?unitdp=4`, { body: { Invoices: [{ Reference: 'x' }] } }), 'Invoices');
    expect(again.Total).toBe(1012);
  });

  it('refuses a LineAmount that is not Quantity × UnitAmount less the discount, in Xero’s words; an equal one is accepted', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const [fullDiscount, plain, discounted, equal, fourDp] = await putAll(h, 'Invoices', [
      // Xero-NetStandard issue 74: 1 × 795.00 at 100 % off, sent with LineAmount 1.
      invoiceInput(jane, { LineItems: [line({ UnitAmount: 795, DiscountRate: 100, LineAmount: 1 })] }),
      invoiceInput(jane, { LineItems: [line({ Quantity: 0.2833, UnitAmount: 412.3456, LineAmount: 116.83 })] }), // Xero: 116.82
      invoiceInput(jane, { LineItems: [line({ Quantity: 2, UnitAmount: 250, DiscountAmount: 50, LineAmount: 500 })] }), // Xero: 450.00
      invoiceInput(jane, { LineItems: [line({ Quantity: 2, UnitAmount: 250, DiscountAmount: 50, LineAmount: 450 })] }),
      invoiceInput(jane, { LineItems: [line({ Quantity: 0.2833, UnitAmount: 412.3456, LineAmount: 116.82 })] }),
    ]);
    expect(messages(fullDiscount)).toEqual(['The line total 1.00 does not match the expected line total 0.00']);
    expect(fullDiscount).toMatchObject({ HasErrors: true, InvoiceID: ZERO });
    expect(messages(plain)).toEqual(['The line total 116.83 does not match the expected line total 116.82']);
    expect(messages(discounted)).toEqual(['The line total 500.00 does not match the expected line total 450.00']);
    expect(equal).toMatchObject({ HasErrors: false, Total: 495 });
    expect(lines(fourDp!)[0]).toMatchObject({ Quantity: 0.2833, UnitAmount: 412.3456, LineAmount: 116.82, TaxAmount: 11.68 });
  });

  it('refuses discounts on credit notes and bank transactions, both kinds on one line, and an amount above the line', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const [noteRate, noteAmount] = await putAll(h, 'CreditNotes', [
      creditNote(jane, { LineItems: [line({ DiscountRate: 10 })] }),
      creditNote(jane, { LineItems: [line({ DiscountAmount: 10 })] }),
    ]);
    expect(messages(noteRate)).toEqual(['Discounts (DiscountRate or DiscountAmount) are not supported on a Credit Note line item.']);
    expect(messages(noteAmount)).toEqual(['Discounts (DiscountRate or DiscountAmount) are not supported on a Credit Note line item.']);
    const [tx] = await putAll(h, 'BankTransactions', [spend(jane, { LineItems: [line({ AccountCode: '429', DiscountAmount: 5 })] })]);
    expect(messages(tx)).toEqual(['Discounts (DiscountRate or DiscountAmount) are not supported on a Bank Transaction line item.']);
    const [both, tooMuch, zeroOnNegative] = await putAll(h, 'Invoices', [
      invoiceInput(jane, { LineItems: [line({ DiscountRate: 10, DiscountAmount: 10 })] }),
      invoiceInput(jane, { LineItems: [line({ DiscountAmount: 100.01 })] }),
      invoiceInput(jane, { LineItems: [line({ UnitAmount: 200 }), line({ UnitAmount: -50, DiscountAmount: 0 })] }),
    ]);
    expect(messages(both)).toEqual(['A line item can have either a DiscountRate or a DiscountAmount, not both.']);
    expect(messages(tooMuch)).toEqual(["The discount rate '100.01' is invalid. Discount must not be greater than the line total."]);
    expect(messages(zeroOnNegative)).toEqual(["The discount rate '0.00' is invalid. Discount must not be greater than the line total."]);
  });

  it('keeps a TaxAmount override, also when the invoice is re-saved', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const [draft] = await putAll(h, 'Invoices', [invoiceInput(jane, { Status: 'DRAFT', LineItems: [line({ TaxAmount: 9.99 })] })]);
    expect(draft).toMatchObject({ TotalTax: 9.99, Total: 109.99 });
    const approved = first(await h.call('POST', `/Invoices/${String(draft?.InvoiceID)}?unitdp=4`, { body: { Invoices: [{ Status: 'AUTHORISED' }] } }), 'Invoices');
    expect(approved).toMatchObject({ Status: 'AUTHORISED', TotalTax: 9.99, Total: 109.99 });
  });
});

describe('summarizeErrors', () => {
  it('saves the good elements of a batch and tags each refused one with its own errors', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const [ok, refused] = await putAll(h, 'Invoices', [
      invoiceInput(jane),
      invoiceInput(jane, { LineItems: [line({ AccountCode: '610' }), line({ TaxType: 'INPUT', UnitAmount: -500 })] }),
    ]);
    expect(ok).toMatchObject({ StatusAttributeString: 'OK', HasErrors: false, Total: 611.05 });
    expect(ok?.InvoiceID).not.toBe(ZERO);
    expect(refused).toMatchObject({ StatusAttributeString: 'ERROR', HasErrors: true, InvoiceID: ZERO });
    expect(messages(refused)).toEqual(["Account code '610' is not a valid code for this document.", "The TaxType code 'INPUT' cannot be used with account code '200'."]);
    // Summarised (the default): a 400 listing only the failed element.
    const summarised = await h.call('PUT', '/Invoices', { body: { Invoices: [invoiceInput(jane), invoiceInput(jane, { LineItems: [line({ UnitAmount: -1 })] })] } });
    expect(summarised.status).toBe(400);
    expect((summarised.body.Elements as JsonObject[]).map(messages)).toEqual([['The Total for this document must be greater than or equal to zero.']]);
  });
});
