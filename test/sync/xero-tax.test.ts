import { describe, expect, it } from 'vitest';
import type { SyncContext } from '../../server/sync/context';
import { forgetXeroTaxBook, xeroTaxBook } from '../../server/sync/xero-tax';

/** A run's context as far as the tax book reads it: a Xero connection answering two listings, counted. */
function run(connectionId: string, reads: { n: number }) {
  const xero = {
    connectionId,
    getAccounts: async () => (reads.n++, [{ code: '860', systemAccount: 'ROUNDING', status: 'ACTIVE', taxType: 'BASEXCLUDED' }]),
    getTaxRates: async () => [
      { taxType: 'OUTPUT', effectiveRate: 10, status: 'ACTIVE' },
      { taxType: 'BASEXCLUDED', effectiveRate: 0, status: 'ACTIVE' },
    ],
  };
  return { xero } as unknown as SyncContext;
}

describe('the tax book kept across runs', () => {
  it('is read once per connection for ten minutes, again after a refusal drops it, and never shared between connections', async () => {
    const reads = { n: 0 };
    const t0 = Date.parse('2026-12-08T00:00:00Z');
    const book = await xeroTaxBook(run('conn-a', reads), t0);
    expect(book.rounding).toEqual({ accountCode: '860', taxType: 'BASEXCLUDED' });
    expect(book.rates.get('OUTPUT')).toBe(10);
    await xeroTaxBook(run('conn-a', reads), t0 + 9 * 60_000);
    expect(reads.n).toBe(1);
    await xeroTaxBook(run('conn-b', reads), t0 + 9 * 60_000);
    expect(reads.n).toBe(2);
    await xeroTaxBook(run('conn-a', reads), t0 + 11 * 60_000);
    expect(reads.n).toBe(3);
    forgetXeroTaxBook('conn-a');
    await xeroTaxBook(run('conn-a', reads), t0 + 12 * 60_000);
    expect(reads.n).toBe(4);
  });
});
