import { describe, expect, it } from 'vitest';
import { billTotals, lineTotals } from '../../emulators/clio/bill-totals';
import { NO_DISCOUNT, type Bill, type Discount, type InterestCharge, type LineItem } from '../../emulators/clio/records';
import type { ClioState } from '../../emulators/clio/state';
import { buildLine, totals } from '../../emulators/xero/line-items';
import { createRandom } from '../../emulators/xero/random';
import { seedState } from '../../emulators/xero/seed';
import type { JsonObject, State, Tenant } from '../../emulators/xero/store';
import { SEED_TENANTS } from '../../emulators/xero/index';
import type { ClioBill, ClioInterestCharge, ClioLineItem } from '../../../server/sync/mapping/clio-records';
import { billToInvoice, type LineAccounts, type XeroTaxBook } from '../../../server/sync/mapping/invoices';
import { toCents } from '../../../server/sync/mapping/money';
import { lineItem } from '../../../server/sync/xero-writer';

/**
 * A property test over a few hundred random Clio bills: Clio's figures come from the Clio
 * emulator's own arithmetic (bill-totals.ts), Xero's from the Xero emulator's (line-items.ts
 * buildLine and totals, on the seeded AU organisation), and the request lines are the writer's
 * own. Secondary tax is not generated: the seeded organisation has no combined rate for it.
 */

// Certification row 21 asks for 1,000.
const BILLS = 1000;

/** A small seeded PRNG (mulberry32): the same bills on every run, so a failure can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: <T>(xs: T[]): T => xs[int(0, xs.length - 1)]! };
}

function xeroTenant(): Tenant {
  const state: State = { tenants: new Map(), random: createRandom(1) };
  seedState(state, 0, { createInvoice: () => undefined });
  return state.tenants.get(SEED_TENANTS.primary.tenantId)!;
}

const accounts: LineAccounts = {
  timeAccountCode: '200',
  expenseAccountCode: '210',
  interestAccountCode: '270',
  timeTaxType: 'OUTPUT',
  expenseTaxType: 'OUTPUT',
  interestTaxType: 'EXEMPTOUTPUT',
  timeUntaxedTaxType: 'EXEMPTOUTPUT',
  expenseUntaxedTaxType: 'BASEXCLUDED',
};

/** What the sync reads from the organisation (sync/xero-tax.ts), from the same seeded tenant. */
function taxBook(tenant: Tenant): XeroTaxBook {
  const rounding = tenant.accounts.find((a) => a.SystemAccount === 'ROUNDING')!;
  return { rates: new Map(tenant.taxRates.map((t) => [t.TaxType, t.Rate])), rounding: { accountCode: rounding.Code!, taxType: rounding.TaxType } };
}

interface Generated {
  bill: Bill;
  lines: LineItem[];
  interest: InterestCharge[];
}

function discount(r: ReturnType<typeof prng>, maxMoney: number): Discount {
  const kind = r.int(0, 3);
  if (kind === 0) return { ...NO_DISCOUNT, rate: r.int(1, 25) + r.pick([0, 0.5]), type: 'percentage' };
  if (kind === 1) return { ...NO_DISCOUNT, rate: r.int(1, Math.max(1, Math.floor(maxMoney * 100))) / 100, type: 'money' };
  return { ...NO_DISCOUNT };
}

function generate(r: ReturnType<typeof prng>, id: number): Generated {
  const lines: LineItem[] = Array.from({ length: r.int(1, 7) }, (_, i) => {
    const time = r.next() < 0.65;
    const seconds = r.next() < 0.5 ? r.int(1, 60) * 360 : r.int(1, 300) * 60; // tenths of an hour, or minutes (17 min = 17/60 h)
    const price = time ? r.int(50_0000, 950_0000) / 10_000 + r.pick([0, 0.00005, 0.00001]) : r.int(100, 90_000) / 100;
    const quantity = time ? seconds / 3600 : r.pick([1, 2, 3, r.int(1, 40) / 4]);
    const gross = price * quantity;
    return {
      id: id * 100 + i,
      bill_id: id,
      activity_id: id * 100 + i,
      matter_id: 1,
      user_id: 1,
      type: r.next() < 0.04 ? 'NoChargeLineItem' : 'ActivityLineItem',
      kind: time ? 'Service' : 'Expense',
      description: time ? `Work ${i}` : `Cost ${i}`,
      note: null,
      date: '2026-12-01',
      price,
      quantity,
      taxable: r.next() < 0.7,
      secondary_taxable: false,
      group_ordering: i + 1,
      discount: r.next() < 0.25 ? discount(r, gross / 2) : { ...NO_DISCOUNT },
      created_at: '2026-12-01T00:00:00Z',
      updated_at: '2026-12-01T00:00:00Z',
      etag: 'x',
    } as LineItem;
  });
  const sum = lines.reduce((s, l) => s + l.price * l.quantity, 0);
  const bill = {
    id,
    number: String(id),
    state: 'awaiting_payment',
    tax_rate: 10,
    secondary_tax_rate: 0,
    discount: r.next() < 0.5 ? discount(r, sum / 3) : { ...NO_DISCOUNT },
    discount_services_only: r.next() < 0.4,
  } as unknown as Bill;
  const interest =
    r.next() < 0.2 ? [{ id: id * 10, bill_id: id, total: r.int(1, 50_000) / 100, date: '2026-12-01', description: 'Interest' } as unknown as InterestCharge] : [];
  return { bill, lines, interest };
}

/** Clio's API view of the generated bill: the figures the Clio emulator serves. */
function asClio(g: Generated) {
  const rows = <T>(xs: T[]) => ({ where: () => xs });
  const state = { lineItems: rows(g.lines), interestCharges: rows(g.interest), allocations: rows([]) } as unknown as ClioState;
  const t = billTotals(state, g.bill);
  const bill: ClioBill = {
    id: g.bill.id,
    etag: 'e',
    number: g.bill.number,
    state: 'awaiting_payment',
    issued_at: '2026-12-01',
    due_at: '2026-12-31',
    updated_at: '2026-12-01T00:00:00Z',
    sub_total: t.sub_total,
    total_tax: t.total_tax,
    total: t.total,
    discount_services_only: g.bill.discount_services_only,
    client: { id: 1, name: 'Client' },
    discount: g.bill.discount,
    tax_rate: g.bill.tax_rate,
    secondary_tax_rate: g.bill.secondary_tax_rate,
  };
  const lines: ClioLineItem[] = g.lines.map((l) => ({
    id: l.id,
    type: l.type,
    kind: l.kind,
    description: l.description,
    price: l.price,
    quantity: l.quantity,
    taxable: l.taxable,
    secondary_taxable: l.secondary_taxable,
    group_ordering: l.group_ordering,
    bill: { id: g.bill.id },
    discount: l.discount,
    ...lineTotals(l, g.bill),
  }));
  const interest: ClioInterestCharge[] = g.interest.map((c) => ({ id: c.id, date: c.date, description: c.description, total: c.total, bill: { id: g.bill.id } }));
  return { bill, lines, interest, totals: t };
}

/** xero-node's model → the JSON it sends (its serializer capitalises each key). */
const wire = (line: object): JsonObject => Object.fromEntries(Object.entries(line).map(([k, v]) => [k[0]!.toUpperCase() + k.slice(1), v])) as JsonObject;

describe('Clio bills → Xero invoices, a thousand at random', () => {
  it('equal Clio’s total to the cent, with tax within per-line rounding, types following Clio, and no TaxAmount sent', () => {
    const tenant = xeroTenant();
    const book = taxBook(tenant);
    const r = prng(20261208);
    let rounded = 0;
    for (let n = 1; n <= BILLS; n++) {
      const clio = asClio(generate(r, n));
      const mapped = billToInvoice({
        bill: clio.bill,
        lines: clio.lines,
        interest: clio.interest,
        accounts,
        xeroTax: book,
        categoryAccountForLine: new Map(),
        approvedStatus: 'AUTHORISED',
        clioBillUrl: `https://app.clio.com/nc/#/bills/${n}`,
      });
      if (!mapped.ok) throw new Error(`bill ${n}: ${mapped.problem.code} ${mapped.problem.detail}\n${JSON.stringify(clio)}`);
      const draft = mapped.value;
      const sent = draft.lines.map((l) => wire(lineItem(l)));
      for (const s of sent) {
        expect('TaxAmount' in s, `bill ${n}`).toBe(false);
        expect('LineAmount' in s, `bill ${n}`).toBe(false);
      }
      const errors: string[] = [];
      const options = {
        unitdp: 4 as const,
        lineAmountTypes: 'Exclusive' as const,
        existing: [],
        newId: () => 'id',
        defaultTaxType: 'OUTPUT',
        discounts: 'allowed' as const,
      };
      const xero = sent.map((s) => buildLine(tenant, s, options, errors)!);
      expect(errors, `bill ${n}`).toEqual([]);
      const t = totals(xero, 'Exclusive');
      expect(toCents(t.Total), `bill ${n} total`).toBe(toCents(clio.totals.total));
      // The mapping figured each line as Xero did.
      xero.forEach((x, i) => {
        expect(toCents(x.LineAmount) + 0, `bill ${n} line ${i}`).toBe(draft.lines[i]!.lineAmountCents + 0);
        expect(toCents(x.TaxAmount) + 0, `bill ${n} line ${i}`).toBe(draft.lines[i]!.taxCents + 0);
      });
      // Tax: Clio's, or off by per-line rounding (and the 4-dp quantities' cents); the rounding line takes the difference.
      const rounding = draft.lines.filter((l) => l.key === 'rounding');
      expect(rounding.length, `bill ${n}`).toBeLessThanOrEqual(1);
      const taxOff = Math.abs(toCents(t.TotalTax) - toCents(clio.totals.total_tax));
      expect(taxOff, `bill ${n} tax`).toBeLessThanOrEqual(draft.lines.length + clio.lines.length);
      const other = xero.filter((_, i) => draft.lines[i]!.key !== 'rounding');
      const withoutRounding = other.reduce((s, x) => s + toCents(x.LineAmount) + toCents(x.TaxAmount), 0);
      expect((rounding[0]?.lineAmountCents ?? 0) + withoutRounding, `bill ${n}`).toBe(toCents(clio.totals.total));
      if (rounding[0]) {
        rounded += 1;
        const x = xero[draft.lines.indexOf(rounding[0])]!;
        expect([x.AccountCode, x.TaxType, x.TaxAmount, x.Description]).toEqual(['860', 'BASEXCLUDED', 0, 'Rounding']);
      }
      // Every Clio line's tax type follows its taxable flag; each discount line, the lines it discounts.
      for (const l of clio.lines) {
        const d = draft.lines.find((x) => x.key === `line:${l.id}`)!;
        const want = l.taxable ? 'OUTPUT' : l.kind === 'Service' ? accounts.timeUntaxedTaxType : accounts.expenseUntaxedTaxType;
        expect(d.taxType, `bill ${n} line ${l.id}`).toBe(want);
        // The quantity and rate the client saw, to 4 dp.
        expect(d.quantity).toBe(Math.round(l.quantity * 10_000) / 10_000);
        if (l.type !== 'NoChargeLineItem') expect(Math.abs(d.unitAmount - l.price)).toBeLessThanOrEqual(0.00005 + 1e-12);
      }
      for (const d of draft.lines.filter((x) => x.key.startsWith('discount:'))) {
        expect(draft.lines.some((x) => x.key.startsWith('line:') && x.accountCode === d.accountCode && x.taxType === d.taxType)).toBe(true);
      }
    }
    // The generator does reach the cases the rounding line exists for.
    expect(rounded).toBeGreaterThan(BILLS / 10);
  });
});
