import { describe, expect, it } from 'vitest';
import type { LinkRow } from '../../server/sync/links';
import type { ClioBill } from '../../server/sync/mapping/clio-records';
import type { Mapped } from '../../server/sync/mapping/xero-drafts';
import { type BillScopeSettings, billScope, planPush } from '../../server/sync/plan';

const bill = (state: ClioBill['state'], issued_at = '2025-03-14'): ClioBill => ({
  id: 500,
  etag: 'e',
  number: '00042',
  state,
  issued_at,
  due_at: null,
  updated_at: '2025-03-14T10:00:00Z',
  sub_total: 0,
  total_tax: 0,
  total: 0,
  client: { id: 7 },
});

const settings: BillScopeSettings = { syncBills: true, onlyApprovedBills: true, billDateFrom: '2025-01-01', billDateTo: '2025-06-30' };

describe('billScope', () => {
  it('takes approved bills (awaiting payment, paid) in the date range', () => {
    expect(billScope(bill('awaiting_payment'), settings, false)).toStrictEqual({ in: true });
    expect(billScope(bill('paid'), settings, false)).toStrictEqual({ in: true });
  });

  it('leaves unapproved bills out while only approved bills sync, unless already linked', () => {
    const out = { in: false, reason: 'not approved yet (only approved bills sync)' };
    expect(billScope(bill('draft'), settings, false)).toStrictEqual(out);
    expect(billScope(bill('awaiting_approval'), settings, false)).toStrictEqual(out);
    expect(billScope(bill('draft'), settings, true)).toStrictEqual({ in: true });
    expect(billScope(bill('awaiting_approval'), settings, true)).toStrictEqual({ in: true });
  });

  it('lets drafts in when only-approved is off', () => {
    const s = { ...settings, onlyApprovedBills: false };
    expect(billScope(bill('draft'), s, false)).toStrictEqual({ in: true });
    expect(billScope(bill('awaiting_approval'), s, false)).toStrictEqual({ in: true });
  });

  it('voids or deletes a linked bill, and merely skips one that never reached Xero', () => {
    expect(billScope(bill('void'), settings, true)).toStrictEqual({ in: false, reason: 'voided in Clio', end: 'void' });
    expect(billScope(bill('void'), settings, false)).toStrictEqual({ in: false, reason: 'voided in Clio before it reached Xero' });
    expect(billScope(bill('deleted'), settings, true)).toStrictEqual({ in: false, reason: 'deleted in Clio', end: 'delete' });
    expect(billScope(bill('deleted'), settings, false)).toStrictEqual({ in: false, reason: 'deleted in Clio before it reached Xero' });
  });

  it('still voids a linked bill when syncing is off or the bill is out of range', () => {
    expect(billScope(bill('void'), { ...settings, syncBills: false }, true)).toMatchObject({ in: false, end: 'void' });
    expect(billScope(bill('deleted', '2020-01-01'), settings, true)).toMatchObject({ in: false, end: 'delete' });
  });

  it('sends nothing when bill syncing is off, linked or not', () => {
    const s = { ...settings, syncBills: false };
    expect(billScope(bill('awaiting_payment'), s, false)).toStrictEqual({ in: false, reason: 'bill syncing is off in the settings' });
    expect(billScope(bill('paid'), s, true)).toStrictEqual({ in: false, reason: 'bill syncing is off in the settings' });
  });

  it('includes both ends of the date range', () => {
    expect(billScope(bill('awaiting_payment', '2025-01-01'), settings, false)).toStrictEqual({ in: true });
    expect(billScope(bill('awaiting_payment', '2025-06-30'), settings, false)).toStrictEqual({ in: true });
    expect(billScope(bill('awaiting_payment', '2025-06-30T23:59:59-07:00'), settings, false)).toStrictEqual({ in: true });
  });

  it('leaves out unlinked bills the day before the start or after the end', () => {
    expect(billScope(bill('awaiting_payment', '2024-12-31'), settings, false)).toStrictEqual({
      in: false,
      reason: "issued 2024-12-31, before the sync's start date 2025-01-01",
    });
    expect(billScope(bill('awaiting_payment', '2025-07-01'), settings, false)).toStrictEqual({
      in: false,
      reason: "issued 2025-07-01, after the sync's end date 2025-06-30",
    });
  });

  it('keeps following a linked bill’s edits after the range moved past it', () => {
    expect(billScope(bill('awaiting_payment', '2024-12-31'), settings, true)).toStrictEqual({ in: true });
    expect(billScope(bill('paid', '2025-07-01'), settings, true)).toStrictEqual({ in: true });
  });

  it('has no bound where a date is not set', () => {
    const open = { ...settings, billDateFrom: null, billDateTo: null };
    expect(billScope(bill('awaiting_payment', '1999-01-01'), open, false)).toStrictEqual({ in: true });
    expect(billScope(bill('awaiting_payment', '2099-12-31'), open, false)).toStrictEqual({ in: true });
    expect(billScope(bill('awaiting_payment', '2099-12-31'), { ...settings, billDateTo: null }, false)).toStrictEqual({ in: true });
    expect(billScope(bill('awaiting_payment', '1999-01-01'), { ...settings, billDateFrom: null }, false)).toMatchObject({ in: true });
  });
});

describe('planPush', () => {
  const link = (over: Partial<LinkRow> = {}): LinkRow => ({
    clioId: '500',
    xeroId: 'x-1',
    state: 'synced',
    lastPushedHash: 'h1',
    snapshot: null,
    claimedAt: null,
    xeroNumber: '00042',
    parentClioId: null,
    errorCode: null,
    clioEtag: null,
    lastSyncedAt: null,
    ...over,
  });
  const draft = { invoiceNumber: '00042' };
  const mapped: Mapped<typeof draft> = { ok: true, value: draft };

  it('creates a record that is not in Xero yet', () => {
    expect(planPush('bill', '500', 'Bill 00042', undefined, mapped, 'h1')).toStrictEqual({
      kind: 'bill',
      clioId: '500',
      label: 'Bill 00042',
      draft,
      hash: 'h1',
      action: 'create',
      reason: 'not in Xero yet',
    });
    expect(planPush('bill', '500', 'Bill 00042', link({ xeroId: null, lastPushedHash: null, state: 'pending' }), mapped, 'h1')).toMatchObject({
      action: 'create',
      reason: 'not in Xero yet',
    });
  });

  it('creates after a claim only once it has looked the record up', () => {
    const claimed = link({ xeroId: null, lastPushedHash: null, state: 'pending', claimedAt: new Date('2025-03-14T10:00:00Z') });
    expect(planPush('bill', '500', 'Bill 00042', claimed, mapped, 'h1')).toMatchObject({
      action: 'create',
      reason: 'an earlier attempt may have created it: look it up first',
    });
  });

  it('skips a synced record whose payload hash is unchanged', () => {
    expect(planPush('bill', '500', 'Bill 00042', link(), mapped, 'h1')).toStrictEqual({
      kind: 'bill',
      clioId: '500',
      label: 'Bill 00042',
      draft,
      hash: 'h1',
      action: 'skip',
      reason: 'unchanged since the last sync',
    });
  });

  it('updates a failed record even when its hash is the same', () => {
    expect(planPush('bill', '500', 'Bill 00042', link({ state: 'failed', errorCode: 'XERO_LOCK_DATE' }), mapped, 'h1')).toMatchObject({
      action: 'update',
      draft,
      hash: 'h1',
    });
  });

  it('updates when the hash changed, or when nothing was pushed under this link yet', () => {
    expect(planPush('bill', '500', 'Bill 00042', link(), mapped, 'h2')).toMatchObject({ action: 'update', reason: 'changed in Clio', hash: 'h2' });
    expect(planPush('bill', '500', 'Bill 00042', link({ lastPushedHash: null }), mapped, 'h1')).toMatchObject({
      action: 'update',
      reason: 'first push of a linked record',
    });
  });

  it('never skips when there is no hash to compare', () => {
    const item = planPush('bill', '500', 'Bill 00042', link(), mapped, undefined);
    expect(item.action).toBe('update');
    expect('hash' in item).toBe(false);
  });

  it('fails with the mapping problem, carrying no draft', () => {
    const problem: Mapped<typeof draft> = { ok: false, problem: { code: 'SETTINGS_INCOMPLETE', detail: 'Choose an account for expenses in the sync settings.' } };
    expect(planPush('bill', '500', 'Bill 00042', link(), problem, 'h1')).toStrictEqual({
      kind: 'bill',
      clioId: '500',
      label: 'Bill 00042',
      action: 'fail',
      reason: 'Choose an account for expenses in the sync settings.',
      failure: { code: 'SETTINGS_INCOMPLETE', detail: 'Choose an account for expenses in the sync settings.' },
    });
    expect(planPush('bill', '500', 'Bill 00042', undefined, problem, undefined).action).toBe('fail');
  });
});
