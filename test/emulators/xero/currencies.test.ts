import { describe, expect, it } from 'vitest';
import { CURRENCY_DIFFERS } from './credit-notes';
import { dayRate } from './currency-rates';
import { SEED_TENANTS } from './index';
import { contactId, createInvoice, first, invoiceInput, setup } from './harness';
import type { JsonObject } from './store';

const secondary = { tenantId: SEED_TENANTS.secondary.tenantId };

describe('currencies', () => {
  it('lists the currencies each organisation has enabled: the demo organisation adds USD to its AUD base', async () => {
    const h = setup();
    expect((await h.call('GET', '/Currencies')).body.Currencies).toEqual([
      { Code: 'AUD', Description: 'Australian Dollar' },
      { Code: 'USD', Description: 'United States Dollar' },
    ]);
    expect((await h.call('GET', '/Currencies', secondary)).body.Currencies).toEqual([{ Code: 'AUD', Description: 'Australian Dollar' }]);
    const actions = async (opts = {}) => (await h.call('GET', '/Organisation/Actions', opts)).body.Actions as JsonObject[];
    expect((await actions()).find((a) => a.Name === 'UseMulticurrency')?.Status).toBe('ALLOWED');
    expect((await actions(secondary)).find((a) => a.Name === 'UseMulticurrency')?.Status).toBe('NOT-ALLOWED');
  });

  it('takes an invoice in an enabled currency, refuses one the organisation lacks with Xero’s words, and takes it once enabled', async () => {
    const h = setup();
    const usd = await createInvoice(h, await contactId(h, 'Jane Citizen'), { CurrencyCode: 'USD' });
    expect(usd).toMatchObject({ CurrencyCode: 'USD', Status: 'AUTHORISED' });

    const riverside = String(first(await h.call('GET', '/Contacts', secondary), 'Contacts').ContactID);
    const refused = await h.call('PUT', '/Invoices?summarizeErrors=false', { ...secondary, body: { Invoices: [invoiceInput(riverside, { CurrencyCode: 'USD' })] } });
    const element = first(refused, 'Invoices');
    expect(element.HasErrors).toBe(true);
    expect((element.ValidationErrors as JsonObject[]).map((e) => e.Message)).toEqual(['Organisation is not subscribed to currency USD']);

    const enabled = await h.call('PUT', '/Currencies', { ...secondary, body: { Code: 'USD', Description: 'United States Dollar' } });
    expect(enabled.body.Currencies).toEqual([{ Code: 'USD', Description: 'United States Dollar' }]);
    const sent = await h.call('PUT', '/Invoices?summarizeErrors=false', { ...secondary, body: { Invoices: [invoiceInput(riverside, { CurrencyCode: 'USD' })] } });
    expect(first(sent, 'Invoices')).toMatchObject({ CurrencyCode: 'USD', HasErrors: false });
  });

  it('keeps the CurrencyRate given on an invoice and a payment, and gives the day rate when none is given', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    expect((await createInvoice(h, jane)).CurrencyRate).toBe(1);
    expect((await createInvoice(h, jane, { CurrencyCode: 'USD' })).CurrencyRate).toBe(dayRate('USD', Date.parse('2026-11-20')));
    const inv = await createInvoice(h, jane, { CurrencyCode: 'USD', CurrencyRate: 0.7 });
    expect(inv.CurrencyRate).toBe(0.7);
    const paid = await h.call('PUT', '/Payments', {
      body: { Payments: [{ Invoice: { InvoiceID: inv.InvoiceID }, Account: { Code: '090' }, Date: '2026-11-22', Amount: 7, CurrencyRate: 0.7 }] },
    });
    expect(first(paid, 'Payments')).toMatchObject({ Amount: 7, CurrencyRate: 0.7, BankAmount: 10 });
    const stored = first(await h.call('GET', `/Invoices/${String(inv.InvoiceID)}`), 'Invoices');
    expect(stored).toMatchObject({ CurrencyRate: 0.7, AmountPaid: 7 });
    expect((stored.Payments as JsonObject[]).map((p) => p.CurrencyRate)).toEqual([0.7]);
  });

  it('gives a payment sent without a CurrencyRate the day rate of its own date, not its invoice’s', async () => {
    const h = setup();
    const inv = await createInvoice(h, await contactId(h, 'Jane Citizen'), { CurrencyCode: 'USD' });
    expect(inv.CurrencyRate).toBe(dayRate('USD', Date.parse('2026-11-20')));
    const paid = await h.call('PUT', '/Payments', {
      body: { Payments: [{ Invoice: { InvoiceID: inv.InvoiceID }, Account: { Code: '090' }, Date: '2026-11-23', Amount: 10 }] },
    });
    const rate = dayRate('USD', Date.parse('2026-11-23'));
    expect(rate).not.toBe(inv.CurrencyRate);
    expect(first(paid, 'Payments')).toMatchObject({ Amount: 10, CurrencyRate: rate, BankAmount: Math.round((10 / rate) * 100) / 100 });
  });

  it('refuses to allocate a credit note to an invoice in another currency', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const inv = await createInvoice(h, jane, { CurrencyCode: 'USD' });
    const note = (extra: JsonObject) => ({
      Type: 'ACCRECCREDIT',
      Contact: { ContactID: jane },
      Date: '2026-11-23',
      Status: 'AUTHORISED',
      LineItems: [{ Description: 'Write-down', Quantity: 1, UnitAmount: 20, AccountCode: '200', TaxType: 'OUTPUT' }],
      ...extra,
    });
    const allocate = async (cn: JsonObject) =>
      first(
        await h.call('PUT', `/CreditNotes/${String(cn.CreditNoteID)}/Allocations?summarizeErrors=false`, {
          body: { Allocations: [{ Invoice: { InvoiceID: inv.InvoiceID }, Amount: 10, Date: '2026-11-23' }] },
        }),
        'Allocations',
      );
    const aud = first(await h.call('PUT', '/CreditNotes', { body: { CreditNotes: [note({})] } }), 'CreditNotes');
    expect(aud.CurrencyCode).toBe('AUD');
    expect(((await allocate(aud)).ValidationErrors as JsonObject[]).map((e) => e.Message)).toEqual([CURRENCY_DIFFERS]);
    const usd = first(await h.call('PUT', '/CreditNotes', { body: { CreditNotes: [note({ CurrencyCode: 'USD' })] } }), 'CreditNotes');
    expect(await allocate(usd)).toMatchObject({ Amount: 10 });
  });
});
