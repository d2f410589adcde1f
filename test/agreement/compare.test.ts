import { describe, expect, it } from 'vitest';
import { type AgreementInput, billIdOfUrl, compareListings, type KnownLink, type ListedBill, type ListedInvoice } from '../../server/agreement/compare';

/** The comparison alone: listings in, differences out, no network. */
const CLIO = 'https://app.clio.com';
const SYNCED_AT = new Date('2026-12-01T10:00:00Z');

const bill = (id: number, over: Partial<ListedBill> = {}): ListedBill => ({
  id,
  number: `B${id}`,
  state: 'awaiting_payment',
  issued_at: '2026-12-01',
  total: 110,
  balance: 110,
  paid: 0,
  credits_issued: 0,
  client: { id: 7 },
  ...over,
});
const invoice = (id: string, over: Partial<ListedInvoice> = {}): ListedInvoice => ({
  invoiceId: id,
  number: `INV-${id}`,
  status: 'AUTHORISED',
  contactId: 'contact-7',
  total: 110,
  amountDue: 110,
  amountPaid: 0,
  amountCredited: 0,
  url: null,
  updatedAt: new Date('2026-12-01T09:59:59Z'),
  ...over,
});
const link = (clioId: string, xeroId: string | null, over: Partial<KnownLink> = {}): KnownLink => ({
  clioId,
  xeroId,
  state: xeroId ? 'synced' : 'failed',
  errorCode: null,
  lastSyncedAt: SYNCED_AT,
  syncedTotalCents: 11000,
  ...over,
});

function input(over: Partial<AgreementInput>): AgreementInput {
  const billLinks = over.billLinks ?? [];
  return {
    settings: { syncBills: true, onlyApprovedBills: true, billDateFrom: '2026-11-01', billDateTo: null },
    clioWebUrl: CLIO,
    bills: [],
    invoices: [],
    billLinks,
    linkedInvoiceIds: new Set(billLinks.flatMap((l) => (l.xeroId ? [l.xeroId.toLowerCase()] : []))),
    contactLinks: new Map([['7', 'contact-7']]),
    hardCosts: [],
    spends: [],
    hardCostLinks: [],
    ...over,
  };
}

/** One linked bill and its invoice, with the changes given. */
const pair = (b: Partial<ListedBill>, i: Partial<ListedInvoice>, l: Partial<KnownLink> = {}) =>
  compareListings(input({ bills: [bill(1, b)], invoices: [invoice('A', i)], billLinks: [link('1', 'A', l)] }));
const codes = (r: ReturnType<typeof compareListings>) => r.differences.map((d) => `${d.kind}:${d.clioId}:${d.code}`);

describe('compareListings', () => {
  it('a bill and its invoice that agree on total, payments, credit and balance are compared and make no difference', () => {
    const r = pair({ paid: 50, balance: 50, credits_issued: 10 }, { amountPaid: 50, amountCredited: 10, amountDue: 50 });
    expect(r).toEqual({ billsCompared: 1, differences: [] });
  });

  it('paid in Xero, open in Clio', () => {
    const r = pair({}, { amountPaid: 110, amountDue: 0, status: 'PAID' });
    expect(r.differences).toEqual([
      {
        kind: 'agreement_bill',
        clioId: '1',
        xeroId: 'A',
        code: 'PAID_IN_XERO_OPEN_IN_CLIO',
        label: 'Bill B1',
        detail: 'Paid 110.00 in Xero, 0.00 in Clio; balance 110.00 in Clio, 0.00 due in Xero.',
      },
    ]);
  });

  it('part paid in Xero counts too, and paid in Clio but not in Xero is the other way round', () => {
    expect(codes(pair({}, { amountPaid: 20, amountDue: 90 }))).toEqual(['agreement_bill:1:PAID_IN_XERO_OPEN_IN_CLIO']);
    expect(codes(pair({ paid: 20, balance: 90 }, {}))).toEqual(['agreement_bill:1:PAID_IN_CLIO_OPEN_IN_XERO']);
  });

  it('a total moved away from what Xero held after our write is an edit in Xero; one Xero still holds is Clio’s change not sent', () => {
    expect(codes(pair({}, { total: 120, amountDue: 120 }))).toEqual(['agreement_bill:1:EDITED_IN_XERO']);
    expect(codes(pair({ total: 130, balance: 130 }, {}))).toEqual(['agreement_bill:1:AMOUNT_DIFFERS']);
  });

  it('without the total of the last write, Xero’s stamp after the last sync says edited', () => {
    const late = new Date(SYNCED_AT.getTime() + 60_000);
    expect(codes(pair({}, { total: 120, updatedAt: late }, { syncedTotalCents: null }))).toEqual(['agreement_bill:1:EDITED_IN_XERO']);
    expect(codes(pair({}, { total: 120 }, { syncedTotalCents: null }))).toEqual(['agreement_bill:1:AMOUNT_DIFFERS']);
  });

  it('credit that differs, and a balance that differs alone', () => {
    expect(codes(pair({ credits_issued: 10, balance: 100 }, {}))).toEqual(['agreement_bill:1:CREDIT_DIFFERS']);
    expect(codes(pair({ balance: 100 }, {}))).toEqual(['agreement_bill:1:AMOUNT_DIFFERS']);
  });

  it('deleted or voided in Xero, or gone from its listing, while open in Clio; agreed when both are closed', () => {
    expect(codes(pair({}, { status: 'DELETED' }))).toEqual(['agreement_bill:1:DELETED_IN_XERO']);
    expect(codes(pair({}, { status: 'VOIDED' }))).toEqual(['agreement_bill:1:DELETED_IN_XERO']);
    expect(codes(compareListings(input({ bills: [bill(1)], billLinks: [link('1', 'A')] })))).toEqual(['agreement_bill:1:DELETED_IN_XERO']);
    expect(codes(pair({ state: 'void' }, { status: 'VOIDED' }))).toEqual([]);
    expect(codes(pair({ state: 'void' }, {}))).toEqual(['agreement_bill:1:VOIDED_IN_CLIO_OPEN_IN_XERO']);
  });

  it('a bill in scope with no invoice is missing in Xero, saying why; bills out of scope are not compared', () => {
    const r = compareListings(
      input({
        bills: [bill(1), bill(2, { issued_at: '2026-10-01' }), bill(3, { state: 'draft' }), bill(4)],
        billLinks: [link('4', null, { errorCode: 'XERO_CURRENCY_NOT_ENABLED' })],
      }),
    );
    expect(r.billsCompared).toBe(2);
    expect(r.differences.map((d) => [d.clioId, d.code, d.detail])).toEqual([
      ['1', 'MISSING_IN_XERO', 'Bill B1 (awaiting_payment, total 110.00) has no invoice in Xero: it was never sent.'],
      ['4', 'MISSING_IN_XERO', 'Bill B4 (awaiting_payment, total 110.00) has no invoice in Xero: its last sync failed (XERO_CURRENCY_NOT_ENABLED).'],
    ]);
  });

  it('a live invoice carrying our Url back to a bill that no link knows is unknown, listed bill or not', () => {
    const ours = (id: string, billId: number, status = 'AUTHORISED') => invoice(id, { url: `${CLIO}/nc/#/bills/${billId}`, status });
    const r = compareListings(
      input({
        bills: [bill(1), bill(2)],
        invoices: [ours('A', 1), ours('X', 1), ours('B', 2), ours('C', 99), ours('D', 98, 'VOIDED'), invoice('E', { url: 'https://elsewhere.example/nc/#/bills/5' })],
        billLinks: [link('1', 'A')],
      }),
    );
    expect(r.differences.map((d) => [d.clioId, d.xeroId, d.code])).toEqual([
      // Bill 1 has its invoice A; X is a second one.
      ['2', 'B', 'UNKNOWN_XERO_INVOICE'],
      ['1', 'X', 'UNKNOWN_XERO_INVOICE'],
      ['99', 'C', 'UNKNOWN_XERO_INVOICE'],
    ]);
  });

  it('a client whose bills agree but whose contact owes Xero more is a client balance difference; one explained by its bills is not', () => {
    const extra = invoice('Z', { amountDue: 40, total: 40 });
    const agreeing = compareListings(input({ bills: [bill(1)], invoices: [invoice('A'), extra], billLinks: [link('1', 'A')] }));
    expect(agreeing.differences).toEqual([
      {
        kind: 'agreement_client',
        clioId: '7',
        xeroId: 'contact-7',
        code: 'CLIENT_BALANCE_DIFFERS',
        label: 'Client 7',
        detail: 'Outstanding 110.00 on the synced bills in Clio; the contact owes 150.00 in Xero.',
      },
    ]);
    const explained = compareListings(input({ bills: [bill(1)], invoices: [invoice('A', { amountPaid: 110, amountDue: 0 }), extra], billLinks: [link('1', 'A')] }));
    expect(codes(explained)).toEqual(['agreement_bill:1:PAID_IN_XERO_OPEN_IN_CLIO']);
    // Drafts owe nothing yet.
    expect(codes(compareListings(input({ bills: [bill(1)], invoices: [invoice('A'), { ...extra, status: 'DRAFT' }], billLinks: [link('1', 'A')] })))).toEqual([]);
  });

  it('hard costs against their spend-money transactions: amount, and deleted in Xero', () => {
    const r = compareListings(
      input({
        hardCosts: [
          { id: 11, total: 55 },
          { id: 12, total: 20 },
          { id: 13, total: 9 },
        ],
        spends: [
          { bankTransactionId: 'S11', status: 'AUTHORISED', total: 55 },
          { bankTransactionId: 'S12', status: 'AUTHORISED', total: 22 },
          { bankTransactionId: 'S13', status: 'DELETED', total: 9 },
        ],
        hardCostLinks: [link('11', 'S11'), link('12', 'S12'), link('13', 's13')],
      }),
    );
    expect(codes(r)).toEqual(['agreement_hard_cost:12:AMOUNT_DIFFERS', 'agreement_hard_cost:13:DELETED_IN_XERO']);
  });
});

describe('billIdOfUrl', () => {
  it('reads the bill id from our own Url only', () => {
    expect(billIdOfUrl(CLIO, `${CLIO}/nc/#/bills/123`)).toBe('123');
    expect(billIdOfUrl(`${CLIO}/`, `${CLIO}/nc/#/bills/123`)).toBe('123');
    expect(billIdOfUrl(CLIO, `${CLIO}/nc/#/bills/123/edit`)).toBeUndefined();
    expect(billIdOfUrl(CLIO, 'https://eu.app.clio.com/nc/#/bills/123')).toBeUndefined();
    expect(billIdOfUrl(CLIO, null)).toBeUndefined();
  });
});
