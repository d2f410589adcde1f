import type { ClioBill, ClioInterestCharge, ClioLineItem } from './clio-records';
import { allocateCents, type Cents, fromCents, roundTo, sumCents, toCents } from './money';
import type { DraftLine, InvoiceDraft, InvoiceStatus, Mapped } from './xero-drafts';

/** The accounts and tax rates the firm chose, per kind of line (settings page). */
export interface LineAccounts {
  timeAccountCode: string | null;
  expenseAccountCode: string | null;
  interestAccountCode: string | null;
  timeTaxType: string | null;
  expenseTaxType: string | null;
  interestTaxType: string | null;
}

export interface BillMappingInput {
  bill: ClioBill;
  lines: ClioLineItem[];
  interest: ClioInterestCharge[];
  accounts: LineAccounts;
  /** Line id → the account its activity's category maps to (activity description or expense category). */
  categoryAccountForLine: ReadonlyMap<number, string>;
  /** What approved bills become in Xero (setting). */
  approvedStatus: 'DRAFT' | 'AUTHORISED';
  /** Link back to the bill in Clio, shown in Xero as "Go to …". */
  clioBillUrl: string;
}

const MAX_DESCRIPTION = 4000;
const MAX_REFERENCE = 255;

/** Clio's bill states → the Xero status the invoice should end in. */
export function invoiceStatusFor(state: ClioBill['state'], approvedStatus: 'DRAFT' | 'AUTHORISED'): InvoiceStatus {
  switch (state) {
    case 'draft':
    case 'awaiting_approval':
      return 'DRAFT';
    case 'void':
      return 'VOIDED';
    case 'deleted':
      return 'DELETED';
    default:
      return approvedStatus;
  }
}

/**
 * Chooses quantity and unit amount so that Xero's own arithmetic — round2(quantity × unit) with
 * quantities at 4 dp — lands exactly on Clio's line amount. Clio counts time in seconds, so an
 * hour figure like 0.3333… cannot always be sent as is; then the unit amount absorbs the rounding,
 * and as a last resort the line is one unit of its amount (the hours stay in the description).
 */
export function quantityAndUnit(quantity: number, price: number, amount: Cents): { quantity: number; unitAmount: number; exact: boolean } {
  const q = roundTo(quantity, 4);
  const lands = (qq: number, u: number) => toCents(qq * u) === amount;
  if (q !== 0 && lands(q, roundTo(price, 4))) return { quantity: q, unitAmount: roundTo(price, 4), exact: true };
  if (q !== 0) {
    const u = roundTo(fromCents(amount) / q, 4);
    if (lands(q, u)) return { quantity: q, unitAmount: u, exact: true };
  }
  return { quantity: 1, unitAmount: fromCents(amount), exact: false };
}

function describe(line: ClioLineItem, exactQuantity: boolean): string {
  const base =
    [line.description, line.note]
      .map((s) => s?.trim())
      .filter(Boolean)
      .join(' — ') || (line.kind === 'Service' ? 'Legal services' : 'Expense');
  const hours = exactQuantity || line.kind !== 'Service' ? '' : ` (${roundTo(line.quantity, 4)} h)`;
  return `${base}${hours}`.slice(0, MAX_DESCRIPTION);
}

type Need = { account: string | null; tax: string | null; what: string };

function lineDraft(line: ClioLineItem, input: BillMappingInput): DraftLine | Need {
  const isTime = line.kind === 'Service';
  const account = input.categoryAccountForLine.get(line.id) ?? (isTime ? input.accounts.timeAccountCode : input.accounts.expenseAccountCode);
  const tax = isTime ? input.accounts.timeTaxType : input.accounts.expenseTaxType;
  if (!account || !tax) return { account, tax, what: isTime ? 'time entries' : 'expenses' };
  const subTotal = toCents(line.sub_total);
  const total = toCents(line.total);
  const { quantity, unitAmount, exact } = quantityAndUnit(line.quantity, line.price, subTotal);
  return {
    key: `line:${line.id}`,
    description: describe(line, exact),
    quantity,
    unitAmount,
    accountCode: account,
    taxType: tax,
    discountCents: subTotal - total,
    lineAmountCents: total,
    taxCents: toCents(line.tax) + toCents(line.secondary_tax),
  };
}

const isNeed = (x: DraftLine | Need): x is Need => 'what' in x;

function discountLabel(bill: ClioBill): string {
  const rate = bill.discount?.rate ?? 0;
  const pct = bill.discount?.type === 'percentage' && rate ? ` (${rate}%)` : '';
  const note = bill.discount?.note?.trim();
  return `Discount${pct}${note ? ` — ${note}` : ''}`;
}

const servicesOnly = (bill: ClioBill) => bill.discount_services_only === true || bill.discount_services_only === 'true';

/**
 * Clio shows a whole-bill discount only in the bill's totals. It becomes one negative line per
 * account and tax rate of the lines it applies to, split in proportion to those lines and carrying
 * the tax it removed, so Xero's total and tax equal Clio's to the cent.
 */
function discountLines(bill: ClioBill, lines: { clio: ClioLineItem; draft: DraftLine }[]): DraftLine[] {
  const discount = sumCents(lines.map((l) => l.draft.lineAmountCents)) - toCents(bill.sub_total);
  const taxRemoved = sumCents(lines.map((l) => l.draft.taxCents)) - toCents(bill.total_tax);
  if (discount === 0 && taxRemoved === 0) return [];
  const eligible = lines.filter((l) => !servicesOnly(bill) || l.clio.kind === 'Service');
  const pool = eligible.length > 0 ? eligible : lines;
  const groups = new Map<string, { accountCode: string; taxType: string | null; amount: Cents; tax: Cents }>();
  for (const { draft } of pool) {
    const key = `${draft.accountCode}:${draft.taxType}`;
    const g = groups.get(key) ?? { accountCode: draft.accountCode, taxType: draft.taxType, amount: 0, tax: 0 };
    g.amount += draft.lineAmountCents;
    g.tax += draft.taxCents;
    groups.set(key, g);
  }
  const list = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  const amounts = allocateCents(
    discount,
    list.map(([, g]) => g.amount),
  );
  // Tax comes off the groups that carry tax, in proportion to it: a tax-exempt group never had any to
  // remove. Only when no group carries tax (Clio's figures disagree) does the amount decide.
  const taxed = list.some(([, g]) => g.tax !== 0);
  const taxes = allocateCents(
    taxRemoved,
    list.map(([, g]) => (taxed ? g.tax : g.amount)),
  );
  return list.map(([key, g], i) => ({
    key: `discount:${key}`,
    description: discountLabel(bill),
    quantity: 1,
    unitAmount: -fromCents(amounts[i]!),
    accountCode: g.accountCode,
    taxType: g.taxType,
    discountCents: 0,
    lineAmountCents: -amounts[i]!,
    taxCents: -taxes[i]!,
  }));
}

function reference(bill: ClioBill): string {
  const matter = bill.matters?.[0];
  const matterText = matter ? [matter.display_number, matter.description].filter(Boolean).join(' ') : '';
  return (matterText || bill.subject || `Clio bill ${bill.number}`).slice(0, MAX_REFERENCE);
}

/**
 * A Clio bill → the ACCREC invoice it should be in Xero. Pure: the same bill and settings always
 * give the same draft. Fails (never guesses) when an account or tax rate is not chosen, or when
 * the lines cannot add up to Clio's total.
 */
export function billToInvoice(input: BillMappingInput): Mapped<InvoiceDraft> {
  const { bill } = input;
  if (!bill.client) return { ok: false, problem: { code: 'CLIO_RECORD_INCOMPLETE', detail: `Bill ${bill.number} has no client.` } };
  const ordered = [...input.lines].sort((a, b) => (a.group_ordering ?? 0) - (b.group_ordering ?? 0) || a.id - b.id);
  const drafted: { clio: ClioLineItem; draft: DraftLine }[] = [];
  for (const clio of ordered) {
    const d = lineDraft(clio, input);
    if (isNeed(d)) {
      const missing = !d.account ? 'an account' : 'a tax rate';
      return { ok: false, problem: { code: 'SETTINGS_INCOMPLETE', detail: `Choose ${missing} for ${d.what} in the sync settings.` } };
    }
    drafted.push({ clio, draft: d });
  }
  const lines = [...drafted.map((d) => d.draft), ...discountLines(bill, drafted)];
  for (const charge of [...input.interest].sort((a, b) => a.id - b.id)) {
    const { interestAccountCode: account, interestTaxType: tax } = input.accounts;
    if (!account || !tax) {
      return { ok: false, problem: { code: 'SETTINGS_INCOMPLETE', detail: `Choose ${!account ? 'an account' : 'a tax rate'} for interest in the sync settings.` } };
    }
    const amount = toCents(charge.total);
    lines.push({
      key: `interest:${charge.id}`,
      description: (charge.description?.trim() || 'Interest').slice(0, MAX_DESCRIPTION),
      quantity: 1,
      unitAmount: fromCents(amount),
      accountCode: account,
      taxType: tax,
      discountCents: 0,
      lineAmountCents: amount,
      // Clio charges no tax on interest; the override keeps Xero from adding any.
      taxCents: 0,
    });
  }
  const totalCents = sumCents(lines.map((l) => l.lineAmountCents + l.taxCents));
  const clioTotal = toCents(bill.total);
  if (totalCents !== clioTotal) {
    return {
      ok: false,
      problem: {
        code: 'TOTAL_MISMATCH',
        detail: `Bill ${bill.number}: its lines add up to ${fromCents(totalCents).toFixed(2)} but Clio's total is ${fromCents(clioTotal).toFixed(2)}.`,
      },
    };
  }
  if (lines.length === 0) return { ok: false, problem: { code: 'CLIO_RECORD_INCOMPLETE', detail: `Bill ${bill.number} has no lines.` } };
  const draft: InvoiceDraft = {
    invoiceNumber: bill.number,
    reference: reference(bill),
    date: bill.issued_at.slice(0, 10),
    dueDate: (bill.due_at ?? bill.issued_at).slice(0, 10),
    status: invoiceStatusFor(bill.state, input.approvedStatus),
    url: input.clioBillUrl,
    lines,
    totalCents,
  };
  const currency = bill.currency?.code?.trim();
  if (currency) draft.currencyCode = currency;
  return { ok: true, value: draft };
}
