import { describe, expect, it } from 'vitest';
import { SEED_TENANTS } from './index';
import { first, setup } from './harness';

describe('organisation settings', () => {
  it('returns the organisation with lock dates and MS-JSON dates', async () => {
    const h = setup();
    const org = first(await h.call('GET', '/Organisation'), 'Organisations');
    expect(org).toMatchObject({ OrganisationID: SEED_TENANTS.primary.tenantId, Name: 'Harbour Legal Pty Ltd', CountryCode: 'AU', BaseCurrency: 'AUD' });
    expect(org.PeriodLockDate).toBe(`/Date(${Date.UTC(2025, 11, 31)}+0000)/`);
    expect(org.EndOfYearLockDate).toBe(`/Date(${Date.UTC(2025, 5, 30)}+0000)/`);
    const other = first(await h.call('GET', '/Organisation', { tenantId: SEED_TENANTS.secondary.tenantId }), 'Organisations');
    expect(other.Name).toBe('Riverside Law Group Pty Ltd');
  });

  it('has a chart with coded and uncoded bank accounts, an archived revenue account and system accounts', async () => {
    const h = setup();
    const accounts = (await h.call('GET', '/Accounts')).body.Accounts as Record<string, unknown>[];
    const banks = accounts.filter((a) => a.Type === 'BANK');
    expect(banks.map((a) => a.Code ?? null)).toEqual(['090', '091', null]);
    expect(accounts.find((a) => a.Code === '205')).toMatchObject({ Status: 'ARCHIVED', Type: 'REVENUE' });
    expect(accounts.find((a) => a.Code === '610')).toMatchObject({ SystemAccount: 'DEBTORS' });
    expect(accounts.find((a) => a.Code === '860')).toMatchObject({ SystemAccount: 'ROUNDING' });
    const where = await h.call('GET', `/Accounts?where=${encodeURIComponent('Type=="BANK" AND Status=="ACTIVE"')}`);
    expect((where.body.Accounts as unknown[]).length).toBe(3);
    const one = first(await h.call('GET', `/Accounts/${String(banks[0]?.AccountID)}`), 'Accounts');
    expect(one.Code).toBe('090');
  });

  it('lists AU tax rates and the tracking category', async () => {
    const h = setup();
    const rates = (await h.call('GET', '/TaxRates')).body.TaxRates as Record<string, unknown>[];
    expect(rates.map((r) => r.TaxType)).toEqual(expect.arrayContaining(['OUTPUT', 'INPUT', 'EXEMPTOUTPUT', 'BASEXCLUDED']));
    expect(rates.find((r) => r.TaxType === 'OUTPUT')?.EffectiveRate).toBe(10);
    const tracking = first(await h.call('GET', '/TrackingCategories'), 'TrackingCategories');
    expect(tracking.Name).toBe('Practice Area');
    expect((tracking.Options as unknown[]).length).toBe(4);
  });
});
