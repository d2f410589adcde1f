import { describe, expect, it } from 'vitest';
import { spokenDay, spokenMoney, xeroPaymentToRecordWords } from '../../../server/sync/mapping/open-item-words';
import { unappliedCents, unappliedCreditWords } from '../../../server/sync/mapping/unapplied-credit';

describe('the words of money on one side only', () => {
  it('a payment made in Xero, as the Status tab and the Clio task say it', () => {
    expect(
      xeroPaymentToRecordWords({
        amountCents: 40000,
        currencyCode: 'AUD',
        date: '2026-12-03',
        billNumber: '15',
        clientName: 'Lucas Wilson',
        clioBankAccountName: 'Operating account',
      }),
    ).toBe('$400.00 received in Xero on 3 Dec 2026 for bill 15, Lucas Wilson: record it in Clio to Operating account');
    expect(xeroPaymentToRecordWords({ amountCents: 5, currencyCode: 'GBP', date: '2027-01-31', billNumber: '9', clientName: 'A Ltd', clioBankAccountName: null })).toBe(
      '£0.05 received in Xero on 31 Jan 2027 for bill 9, A Ltd: record it in Clio',
    );
    expect([spokenDay('2026-12-03T10:00:00Z'), spokenMoney(103000, 'USD'), spokenMoney(123456789, 'EUR')]).toEqual(['3 Dec 2026', '$1,030.00', '€1,234,567.89']);
  });

  it('a payment larger than its allocations: the deposit naming one of them holds the whole amount', () => {
    const deposits = [
      { id: 1, date: '2026-12-01', funds_in: 99, allocation: { id: 70 } },
      { id: 2, date: '2026-12-03', funds_in: 1030, allocation: { id: 80 } },
    ];
    const allocations = [
      { id: 80, amount: 500.1, voided_at: null },
      { id: 81, amount: 379.9 },
      { id: 82, amount: 20, voided_at: '2026-12-04T00:00:00Z' },
    ];
    expect(unappliedCents(deposits, allocations)).toEqual({ deposit: deposits[1], cents: 15000 });
    expect(unappliedCents(deposits, [{ id: 99, amount: 5 }])).toBeUndefined();
    expect(
      unappliedCreditWords({
        receivedCents: 103000,
        creditCents: 15000,
        currencyCode: 'USD',
        date: '2026-12-03',
        clientName: 'Lucas Wilson',
        xeroBankAccountCode: '090',
      }),
    ).toBe(
      'Payment of $1,030.00 from Lucas Wilson on 3 Dec 2026: $150.00 is not applied to any bill in Clio and is not in Xero. In Xero, record a $150.00 overpayment from Lucas Wilson to bank account 090, dated 3 Dec 2026 (Bank account → New → Receive money → Overpayment).',
    );
  });
});
