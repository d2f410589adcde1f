import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedRequest } from '../emulators/clio/request-log';
import { startSyncStack, type SyncStack } from './stack';

/**
 * The scheduled sweep (ADR 0005): every sweep lists what no webhook announces (Clio allocations —
 * payments and credit memos — and Xero payments), and one of the kinds a live webhook announces,
 * longest unlisted first; a kind whose Clio webhook is not live is listed every time. An idle firm
 * costs three calls a sweep, and a lost delivery is still found within one rotation.
 */
let s: SyncStack;

/** The billable API calls (not OAuth, not the emulators' control routes) made while `work` ran. */
async function callsDuring(work: () => Promise<void>): Promise<{ clio: string[]; xero: string[] }> {
  const clioLog = async (): Promise<LoggedRequest[]> => s.clioControl('GET', '/requests');
  const xeroLog = s.stack.xero.emulator.requestLog.entries;
  const [c0, x0] = [(await clioLog()).length, xeroLog.length];
  await work();
  const clioCalls = (await clioLog()).slice(c0).filter((e) => e.path.startsWith('/api/v4/'));
  const xeroCalls = s.stack.xero.emulator.requestLog.entries.slice(x0).filter((e) => e.path.startsWith('/api.xro/'));
  return { clio: clioCalls.map((e) => `${e.method} ${e.path}${e.query}`), xero: xeroCalls.map((e) => `${e.method} ${e.path}`) };
}

/** Clio stops (or resumes) delivering one model's webhooks, as when deliveries are lost: our side still believes it live. */
function deliveries(model: string, on: boolean): void {
  for (const hook of s
    .clio()
    .webhooks.all()
    .filter((w) => w.model === model))
    s.clio().webhooks.update(hook.id, { status: on ? 'enabled' : 'suspended' });
}

/** The webhook-announced listings, as they appear in the request log. */
const ROTATED = {
  clioContacts: (c: string) => c.startsWith('GET /api/v4/contacts.json') && c.includes('updated_since'),
  clioBills: (c: string) => c.startsWith('GET /api/v4/bills.json') && c.includes('updated_since'),
  clioHardCosts: (c: string) => c.startsWith('GET /api/v4/activities.json') && c.includes('HardCostEntry'),
  xeroContacts: (c: string) => c === 'GET /api.xro/2.0/Contacts',
  xeroInvoices: (c: string) => c === 'GET /api.xro/2.0/Invoices',
};

beforeAll(async () => {
  let bankId = '';
  s = await startSyncStack({
    beforeSettings: async (stack) => {
      bankId = String(stack.clio.emulator.state.bankAccounts.all()[0]!.id);
    },
    // Every setting that adds a listing on: hard costs, and bill updates from Xero.
    settings: (day) => ({
      invoiceStatus: 'AUTHORISED',
      billDateFrom: day,
      syncHardCosts: true,
      hardCostStartDate: day,
      syncFromXero: true,
      clioPaymentBankAccountId: bankId,
    }),
  });
  await s.settled('the first sync');
  // A sync now lists every kind, so each has a cursor and the sweeps below are idle ones.
  await s.sweep();
}, 120_000);
afterAll(() => s?.stack.stop());

describe('the scheduled sweep', { timeout: 120_000 }, () => {
  it('costs an idle firm three calls a sweep, and lists each webhook-announced kind once a rotation', async () => {
    const sweeps = [];
    for (let i = 0; i < Object.keys(ROTATED).length; i += 1) sweeps.push(await callsDuring(() => s.scheduledSweep()));
    for (const calls of sweeps) {
      expect(calls.clio.length + calls.xero.length, JSON.stringify(calls)).toBeLessThanOrEqual(3);
      // Allocations (payments and credit memos) and Xero payments have no webhook: listed every time.
      expect(calls.clio.filter((c) => c.startsWith('GET /api/v4/allocations.json') && c.includes('updated_since'))).toHaveLength(1);
      expect(calls.xero.filter((c) => c === 'GET /api.xro/2.0/Payments')).toHaveLength(1);
    }
    for (const [kind, isListing] of Object.entries(ROTATED)) {
      const listed = sweeps.filter((calls) => [...calls.clio, ...calls.xero].some(isListing)).length;
      expect(listed, kind).toBe(1);
    }
    // A sync now still lists everything.
    const now = await callsDuring(() => s.sweep());
    for (const [kind, isListing] of Object.entries(ROTATED)) expect([...now.clio, ...now.xero].some(isListing), kind).toBe(true);
  });

  it('a bill and a hard cost whose webhooks were lost reach Xero within one rotation', async () => {
    const matterId = (await s.newClient('Lost Delivery Pty Ltd')).matterId;
    const vendor = await s.clioControl('POST', '/contacts', { type: 'Company', name: 'Quiet Couriers' });
    deliveries('bill', false);
    deliveries('activity', false);
    const bill = await s.newApprovedBill(matterId, 275);
    const cost = await s.clioControl('POST', '/activities', { type: 'HardCostEntry', quantity: 1, price: 42, matter: { id: matterId }, vendor: { id: vendor.id } });
    await s.settled();
    deliveries('bill', true);
    deliveries('activity', true);
    const spent = () => [...s.tenant().bankTransactions.values()].filter((t) => t.Reference === `Clio hard cost ${cost.id}` && t.Status !== 'DELETED');
    expect(s.invoiceByNumber(bill.number)).toEqual([]);
    expect(spent()).toEqual([]);
    for (let i = 0; i < Object.keys(ROTATED).length; i += 1) await s.scheduledSweep();
    expect(s.invoiceByNumber(bill.number)).toHaveLength(1);
    expect(spent().map((t) => t.Total)).toEqual([42]);
  });

  it('a kind whose Clio webhook is not live is listed on every sweep', async () => {
    const lapse = (expiresAt: Date) =>
      s.stack.db.updateTable('clio_webhooks').set({ expires_at: expiresAt }).where('firm_id', '=', s.firmId).where('model', '=', 'bill').execute();
    const [kept] = await s.stack.db.selectFrom('clio_webhooks').select('expires_at').where('firm_id', '=', s.firmId).where('model', '=', 'bill').execute();
    await lapse(new Date(Date.now() - 60_000));
    try {
      for (let i = 0; i < 3; i += 1) {
        const calls = await callsDuring(() => s.scheduledSweep());
        expect(calls.clio.filter(ROTATED.clioBills), JSON.stringify(calls)).toHaveLength(1);
      }
    } finally {
      await lapse(kept!.expires_at!);
    }
  });

  it('a payment and a credit memo, which no webhook announces, reach Xero on the next sweep', async () => {
    const matterId = (await s.newClient('Next Sweep LLP')).matterId;
    const paid = await s.newApprovedBill(matterId, 300);
    const credited = await s.newApprovedBill(matterId, 320);
    await s.settled();
    deliveries('bill', false);
    try {
      await s.clioControl('POST', `/bills/${paid.id}/payments`, { amount: 100 });
      await s.clioControl('POST', `/bills/${credited.id}/credit_memos`, { amount: 20, description: 'Courtesy' });
      await s.settled();
      const invoice = (n: string) => s.invoiceByNumber(n)[0]!;
      const payments = () => [...s.tenant().payments.values()].filter((p) => p.InvoiceID === invoice(paid.number).id && p.Status !== 'DELETED');
      const credits = () => [...s.tenant().allocations.values()].filter((a) => a.InvoiceID === invoice(credited.number).id && !a.IsDeleted);
      expect(payments()).toEqual([]);
      expect(credits()).toEqual([]);
      await s.scheduledSweep();
      expect(payments().map((p) => p.Amount)).toEqual([100]);
      expect(credits().map((a) => a.Amount)).toEqual([20]);
    } finally {
      deliveries('bill', true);
    }
  });
});
