import { describe, expect, it } from 'vitest';
import { contactId, createInvoice, first, setup, type Harness } from './harness';
import type { JsonObject } from './store';

const pay = (h: Harness, invoiceID: unknown, amount: number, account: JsonObject = { Code: '090' }, query = '') =>
  h.call('PUT', `/Payments${query}`, {
    body: { Payments: [{ Invoice: { InvoiceID: invoiceID }, Account: account, Date: '2026-11-22', Amount: amount, Reference: 'Clio payment 77' }] },
  });
const invoice = async (h: Harness, id: unknown) => first(await h.call('GET', `/Invoices/${String(id)}`), 'Invoices');
const messages = (r: { body: JsonObject }) => ((r.body.Elements as JsonObject[])[0]?.ValidationErrors as { Message: string }[]).map((m) => m.Message);

describe('payments', () => {
  it('part-pays, then pays off (PAID), and reversal by Status DELETED reopens the invoice', async () => {
    const h = setup();
    const inv = await createInvoice(h, await contactId(h, 'Jane Citizen')); // Total 611.05
    const part = first(await pay(h, inv.InvoiceID, 200), 'Payments');
    expect(part).toMatchObject({ Amount: 200, PaymentType: 'ACCRECPAYMENT', Status: 'AUTHORISED', Reference: 'Clio payment 77' });
    expect(await invoice(h, inv.InvoiceID)).toMatchObject({ Status: 'AUTHORISED', AmountPaid: 200, AmountDue: 411.05 });
    const bankId = String(((await h.call('GET', `/Accounts?where=${encodeURIComponent('Code=="091"')}`)).body.Accounts as JsonObject[])[0]?.AccountID);
    const rest = first(await pay(h, inv.InvoiceID, 411.05, { AccountID: bankId }), 'Payments');
    const paid = await invoice(h, inv.InvoiceID);
    expect(paid).toMatchObject({ Status: 'PAID', AmountDue: 0, AmountPaid: 611.05, FullyPaidOnDate: `/Date(${Date.UTC(2026, 10, 22)}+0000)/` });
    expect(paid.Payments).toHaveLength(2);

    const reversed = await h.call('POST', `/Payments/${String(rest.PaymentID)}`, { body: { Status: 'DELETED' } });
    expect(first(reversed, 'Payments').Status).toBe('DELETED');
    expect(await invoice(h, inv.InvoiceID)).toMatchObject({ Status: 'AUTHORISED', AmountDue: 411.05 });
    expect(first(await h.call('GET', `/Payments/${String(rest.PaymentID)}`), 'Payments').Status).toBe('DELETED');
    expect((await h.call('GET', '/Payments')).body.Payments).toHaveLength(2);
  });

  it("accepts the spec example's wrapped delete body too", async () => {
    const h = setup();
    const inv = await createInvoice(h, await contactId(h, 'Jane Citizen'));
    const p = first(await pay(h, inv.InvoiceID, 10), 'Payments');
    // Spec disagrees: the deletePayment example wraps the body in Payments[]; the schema says {Status}. Real clients send the latter; accept both.
    const r = await h.call('POST', `/Payments/${String(p.PaymentID)}`, { body: { Payments: [{ Status: 'DELETED' }] }, skipRequestValidation: true });
    expect(first(r, 'Payments').Status).toBe('DELETED');
  });

  it('POST /Payments takes a single payment', async () => {
    const h = setup();
    const inv = await createInvoice(h, await contactId(h, 'Jane Citizen'));
    const r = await h.call('POST', '/Payments', { body: { Invoice: { InvoiceID: inv.InvoiceID }, Account: { Code: '090' }, Date: '2026-11-22', Amount: 1 } });
    expect(first(r, 'Payments').Amount).toBe(1);
  });

  it('refuses overpayment, draft invoices, non-bank and uncoded-by-code accounts, locked dates', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const inv = await createInvoice(h, jane);
    expect(messages(await pay(h, inv.InvoiceID, 1000))).toEqual(['Payment amount exceeds the amount outstanding on this document']);
    const draft = await createInvoice(h, jane, { Status: 'DRAFT' });
    expect(messages(await pay(h, draft.InvoiceID, 1))).toEqual(['Payments can only be made against Authorised documents']);
    expect(messages(await pay(h, inv.InvoiceID, 1, { Code: '200' }))).toEqual([
      'Payments can only be made to accounts of type BANK or accounts with EnablePaymentsToAccount set',
    ]);
    expect(messages(await pay(h, inv.InvoiceID, 1, { Code: '' }))).toEqual(['Account could not be found']);
    const locked = await h.call('PUT', '/Payments', {
      body: { Payments: [{ Invoice: { InvoiceID: inv.InvoiceID }, Account: { Code: '090' }, Date: '2025-07-01', Amount: 1 }] },
    });
    expect(messages(locked)).toEqual(['The document date cannot be before the period lock date, currently set at 31 Dec 2025']);
    const summary = await pay(h, inv.InvoiceID, 1000, { Code: '090' }, '?summarizeErrors=false');
    expect(first(summary, 'Payments')).toMatchObject({ StatusAttributeString: 'ERROR', HasValidationErrors: true });
  });

  it('cannot void an invoice with a payment until the payment is deleted', async () => {
    const h = setup();
    const inv = await createInvoice(h, await contactId(h, 'Jane Citizen'));
    const p = first(await pay(h, inv.InvoiceID, 5), 'Payments');
    const voiding = await h.call('POST', `/Invoices/${String(inv.InvoiceID)}`, { body: { Invoices: [{ Status: 'VOIDED' }] } });
    expect(messages(voiding)).toEqual(['This document cannot be edited as it has a payment or credit note allocated to it.']);
    await h.call('POST', `/Payments/${String(p.PaymentID)}`, { body: { Status: 'DELETED' } });
    expect(first(await h.call('POST', `/Invoices/${String(inv.InvoiceID)}`, { body: { Invoices: [{ Status: 'VOIDED' }] } }), 'Invoices').Status).toBe('VOIDED');
  });
});

describe('credit notes', () => {
  const note = (contactID: string, amount: number, extra: JsonObject = {}) => ({
    Type: 'ACCRECCREDIT',
    Contact: { ContactID: contactID },
    Date: '2026-11-23',
    Status: 'AUTHORISED',
    LineItems: [{ Description: 'Write-down', Quantity: 1, UnitAmount: amount, AccountCode: '280', TaxType: 'OUTPUT' }],
    ...extra,
  });

  it('allocates to an invoice; fully allocated both sides turn PAID; deleting the allocation reverts', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const inv = await createInvoice(h, jane, { LineItems: [{ Description: 'Fees', Quantity: 1, UnitAmount: 100, AccountCode: '200' }] });
    const cn = first(await h.call('PUT', '/CreditNotes', { body: { CreditNotes: [note(jane, 40)] } }), 'CreditNotes');
    expect(cn).toMatchObject({ CreditNoteNumber: 'CN-0001', Total: 44, RemainingCredit: 44, Status: 'AUTHORISED' });
    const alloc = await h.call('PUT', `/CreditNotes/${String(cn.CreditNoteID)}/Allocations`, {
      body: { Allocations: [{ Invoice: { InvoiceID: inv.InvoiceID }, Amount: 44, Date: '2026-11-23' }] },
    });
    expect(alloc.status).toBe(200);
    expect(await invoice(h, inv.InvoiceID)).toMatchObject({ AmountCredited: 44, AmountDue: 66, Status: 'AUTHORISED' });
    const after = first(await h.call('GET', `/CreditNotes/${String(cn.CreditNoteID)}`), 'CreditNotes');
    expect(after).toMatchObject({ RemainingCredit: 0, Status: 'PAID' });
    const undo = await h.emulator.app.request(`/api.xro/2.0/CreditNotes/${String(cn.CreditNoteID)}/Allocations/${String(first(alloc, 'Allocations').AllocationID)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${h.token.access_token}`, 'xero-tenant-id': '3f6a8e2c-1b4d-4c9e-8f7a-2d5b6c7e8f90', accept: 'application/json' },
    });
    expect(undo.status).toBe(200);
    expect(await invoice(h, inv.InvoiceID)).toMatchObject({ AmountCredited: 0, AmountDue: 110 });
    expect(first(await h.call('GET', `/CreditNotes/${String(cn.CreditNoteID)}`), 'CreditNotes').Status).toBe('AUTHORISED');
  });

  it("refuses over-allocation, drafts, other contacts' invoices and paid invoices", async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const acme = await contactId(h, 'Acme Holdings Pty Ltd');
    const inv = await createInvoice(h, jane, { LineItems: [{ Description: 'Fees', Quantity: 1, UnitAmount: 10, AccountCode: '200' }] });
    const big = first(await h.call('PUT', '/CreditNotes', { body: { CreditNotes: [note(jane, 100)] } }), 'CreditNotes');
    const allocate = (cnId: unknown, invoiceID: unknown, amount: number) =>
      h.call('PUT', `/CreditNotes/${String(cnId)}/Allocations`, { body: { Allocations: [{ Invoice: { InvoiceID: invoiceID }, Amount: amount, Date: '2026-11-23' }] } });
    expect(messages(await allocate(big.CreditNoteID, inv.InvoiceID, 50))).toEqual(['Credit Note cannot be allocated as amount is greater than amount outstanding']);
    const draft = first(await h.call('PUT', '/CreditNotes', { body: { CreditNotes: [note(jane, 5, { Status: 'DRAFT' })] } }), 'CreditNotes');
    expect(messages(await allocate(draft.CreditNoteID, inv.InvoiceID, 1))).toEqual(['Credit Note must be AUTHORISED to be allocated']);
    const acmeInv = await createInvoice(h, acme);
    expect(messages(await allocate(big.CreditNoteID, acmeInv.InvoiceID, 1))).toEqual(['The credit note and the invoice must be for the same contact']);
    await pay(h, inv.InvoiceID, 11);
    expect(messages(await allocate(big.CreditNoteID, inv.InvoiceID, 1))).toEqual(['The invoice you are trying to allocate to has already been paid off']);
  });
});

describe('bank transactions (spend money)', () => {
  it('creates a SPEND from a bank account code with expense lines and reads it back', async () => {
    const h = setup();
    const vendor = await contactId(h, 'Officeworks Supplies');
    const spend = {
      Type: 'SPEND',
      Contact: { ContactID: vendor },
      BankAccount: { Code: '090' },
      Date: '2026-11-24',
      Reference: 'Clio expense 9',
      LineAmountTypes: 'Inclusive',
      LineItems: [
        { Description: 'Court filing fee', Quantity: 1, UnitAmount: 110, AccountCode: '310', TaxType: 'BASEXCLUDED' },
        { Description: 'Courier', Quantity: 1, UnitAmount: 22, AccountCode: '425' },
      ],
    };
    const r = await h.call('PUT', '/BankTransactions?unitdp=4', { body: { BankTransactions: [spend] } });
    const tx = first(r, 'BankTransactions');
    expect(tx).toMatchObject({ Type: 'SPEND', Status: 'AUTHORISED', Total: 132, TotalTax: 2, SubTotal: 130, BankAccount: { Code: '090' } });
    expect(first(await h.call('GET', `/BankTransactions/${String(tx.BankTransactionID)}`), 'BankTransactions').Reference).toBe('Clio expense 9');
    const deleted = await h.call('POST', `/BankTransactions/${String(tx.BankTransactionID)}`, { body: { BankTransactions: [{ ...spend, Status: 'DELETED' }] } });
    expect(first(deleted, 'BankTransactions').Status).toBe('DELETED');
  });

  it('refuses non-bank accounts and, with 200 + ERROR, edits of reconciled transactions', async () => {
    const h = setup();
    const vendor = await contactId(h, 'Officeworks Supplies');
    const base = {
      Type: 'SPEND',
      Contact: { ContactID: vendor },
      Date: '2026-11-24',
      LineItems: [{ Description: 'x', Quantity: 1, UnitAmount: 10, AccountCode: '429' }],
    };
    expect(messages(await h.call('PUT', '/BankTransactions', { body: { BankTransactions: [{ ...base, BankAccount: { Code: '200' } }] } }))).toEqual([
      'The BankAccount must be an account of type BANK',
    ]);
    const tx = first(
      await h.call('PUT', '/BankTransactions', { body: { BankTransactions: [{ ...base, BankAccount: { Code: '091' }, IsReconciled: true }] } }),
      'BankTransactions',
    );
    const edit = await h.call('POST', `/BankTransactions/${String(tx.BankTransactionID)}?summarizeErrors=false`, {
      body: { BankTransactions: [{ ...base, BankAccount: { Code: '091' }, Reference: 'changed' }] },
    });
    expect(edit.status).toBe(200);
    expect(first(edit, 'BankTransactions')).toMatchObject({
      StatusAttributeString: 'ERROR',
      ValidationErrors: [{ Message: 'This Bank Transaction cannot be edited as it has been reconciled with a Bank Statement.' }],
    });
  });
});
