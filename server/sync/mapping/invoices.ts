import type { ClioBill, ClioInterestCharge, ClioLineItem } from './clio-records';
import { allocateCents, type Cents, fromCents, roundTo, sumCents, toCents } from './money';
import type { DraftLine, InvoiceDraft, InvoiceStatus, Mapped, MappingProblem } from './xero-drafts';

/** The accounts and tax rates the firm chose, per kind of line (settings page). */
export interface LineAccounts {
  timeAccountCode: string | null;
  expenseAccountCode: string | null;
  interestAccountCode: string | null;
  timeTaxType: string | null;
  expenseTaxType: string | null;
  interestTaxType: string | null;
  /** For lines Clio leaves untaxed: an exempt, zero-rated or out-of-scope rate of the organisation's. */
  timeUntaxedTaxType: string | null;
  expenseUntaxedTaxType: string | null;
}

/** What Xero will figure the invoice with: the organisation's own rates and rounding account. */
export interface XeroTaxBook {
  /** TaxType → EffectiveRate, in percent. */
  rates: ReadonlyMap<string, number>;
  /** The ROUNDING system account and its 0 % tax type; null: the organisation has none. */
  rounding: { accountCode: string; taxType: string } | null;
}

export interface BillMappingInput {
  bill: ClioBill;
  lines: ClioLineItem[];
  interest: ClioInterestCharge[];
  accounts: LineAccounts;
  xeroTax: XeroTaxBook;
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

const percent = (rate: number) => `${Number(rate.toFixed(4))} %`;

/** What Xero computes a line's tax as: round2(amount × rate / 100), per line (Exclusive amounts). */
const xeroTaxCents = (amountCents: Cents, rate: number): Cents => toCents((fromCents(amountCents) * rate) / 100);

/** Xero's round2(quantity × unitAmount), with both at most 4 dp. */
const xeroGrossCents = (quantity: number, unitAmount: number): Cents => toCents(quantity * unitAmount);

/**
 * How a time entry's hours read in its description when 4 decimal places cannot say them: Clio
 * counts seconds, and 0.2833 h is not 17 minutes, so the minutes are said and the rounding line
 * takes the cent that 0.2833 × the rate leaves.
 */
function minutesSuffix(line: ClioLineItem): string {
  if (line.kind !== 'Service' || Math.abs(line.quantity - roundTo(line.quantity, 4)) < 1e-9) return '';
  return ` (${roundTo(line.quantity * 60, 2)} min)`;
}

/** The suffix describe() adds, for reading a description back from Xero (pull). */
export const MINUTES_SUFFIX = / \([\d.]+ min\)$/;

function describe(line: ClioLineItem): string {
  const base =
    [line.description, line.note]
      .map((s) => s?.trim())
      .filter(Boolean)
      .join(' — ') || (line.kind === 'Service' ? 'Legal services' : 'Expense');
  const suffix = minutesSuffix(line);
  return `${base.slice(0, MAX_DESCRIPTION - suffix.length)}${suffix}`;
}

type Problem = { problem: MappingProblem };
const problem = (code: MappingProblem['code'], detail: string): Problem => ({ problem: { code, detail } });
const isProblem = <T extends object>(x: T | Problem): x is Problem => 'problem' in x;

const billLabel = (bill: ClioBill) => `Bill ${bill.number}${bill.client?.name ? ` for ${bill.client.name}` : ''}`;

/** A rate the settings chose, as the organisation has it; a type it lacks is named, never taken as 0 %. */
function rateOf(input: BillMappingInput, taxType: string, what: string): number | Problem {
  const rate = input.xeroTax.rates.get(taxType);
  if (rate !== undefined) return rate;
  return problem('XERO_TAX_TYPE_INVALID', `The tax rate ${taxType} chosen for ${what} is not in your Xero organisation. Choose another in the sync settings.`);
}

/** Clio's line tax against the Xero rate's: beyond a cent of rounding, the two rates disagree. */
function mismatch(input: BillMappingInput, line: ClioLineItem, taxType: string, rate: number): Problem | undefined {
  const clioTax = toCents(line.tax) + toCents(line.secondary_tax);
  if (Math.abs(clioTax - xeroTaxCents(toCents(line.total), rate)) <= 1) return undefined;
  const { bill } = input;
  const clioRate = (line.taxable ? (bill.tax_rate ?? 0) : 0) + (line.secondary_taxable ? (bill.secondary_tax_rate ?? 0) : 0);
  const said = line.taxable || line.secondary_taxable ? `taxes this line at ${percent(clioRate)}` : 'leaves this line untaxed';
  const name = (line.description ?? '').trim();
  return problem(
    'TAX_RATE_MISMATCH',
    `${billLabel(bill)}: Clio ${said}${name ? ` (“${name}”)` : ''} but the Xero tax rate ${taxType} is ${percent(rate)}. Choose the Xero tax rate that matches Clio's, or correct the bill's tax in Clio.`,
  );
}

interface Drafted {
  clio: ClioLineItem;
  draft: DraftLine;
  /** Cents Xero's quantity × rate (at 4 dp) gives beyond Clio's sub_total: the rounding line takes them back. */
  quantityDrift: Cents;
  rate: number;
}

function lineDraft(line: ClioLineItem, input: BillMappingInput): Drafted | Problem {
  const isTime = line.kind === 'Service';
  const what = isTime ? 'time entries' : 'expenses';
  const taxed = line.taxable === true || line.secondary_taxable === true;
  const { accounts } = input;
  const account = input.categoryAccountForLine.get(line.id) ?? (isTime ? accounts.timeAccountCode : accounts.expenseAccountCode);
  if (!account) return problem('SETTINGS_INCOMPLETE', `Choose an account for ${what} in the sync settings.`);
  const tax = isTime ? (taxed ? accounts.timeTaxType : accounts.timeUntaxedTaxType) : taxed ? accounts.expenseTaxType : accounts.expenseUntaxedTaxType;
  if (!tax) return problem('SETTINGS_INCOMPLETE', `Choose a tax rate for ${taxed ? '' : 'untaxed '}${what} in the sync settings.`);
  const rate = rateOf(input, tax, `${taxed ? '' : 'untaxed '}${what}`);
  if (typeof rate !== 'number') return rate;
  const wrong = mismatch(input, line, tax, rate);
  if (wrong) return wrong;
  // The quantity and rate the client saw; a no-charge line shows its hours at no price.
  const quantity = roundTo(line.quantity, 4);
  const unitAmount = line.type === 'NoChargeLineItem' ? 0 : roundTo(line.price, 4);
  const subTotal = toCents(line.sub_total);
  const gross = xeroGrossCents(quantity, unitAmount);
  // Clio's sub_total is round2(price × quantity) at full precision; 4 dp moves it by at most this.
  const drift = gross - subTotal;
  if (Math.abs(drift) > Math.ceil(0.005 * (Math.abs(line.price) + Math.abs(line.quantity))) + 1) {
    return problem(
      'TOTAL_MISMATCH',
      `${billLabel(input.bill)}: the line “${(line.description ?? '').trim()}” comes to ${fromCents(subTotal).toFixed(2)} in Clio, not its quantity × rate (${fromCents(gross).toFixed(2)}).`,
    );
  }
  // Xero refuses a discount above the line's own amount; a cent it cannot take goes to rounding.
  const discountCents = Math.max(0, Math.min(subTotal - toCents(line.total), gross));
  const lineAmountCents = gross - discountCents;
  return {
    clio: line,
    rate,
    quantityDrift: lineAmountCents - toCents(line.total),
    draft: {
      key: `line:${line.id}`,
      description: describe(line),
      quantity,
      unitAmount,
      accountCode: account,
      taxType: tax,
      discountCents,
      lineAmountCents,
      taxCents: xeroTaxCents(lineAmountCents, rate),
    },
  };
}

function discountLabel(bill: ClioBill): string {
  const rate = bill.discount?.rate ?? 0;
  const pct = bill.discount?.type === 'percentage' && rate ? ` (${rate}%)` : '';
  const note = bill.discount?.note?.trim();
  return `Discount${pct}${note ? ` — ${note}` : ''}`;
}

const servicesOnly = (bill: ClioBill) => bill.discount_services_only === true || bill.discount_services_only === 'true';

/**
 * Clio shows a whole-bill discount only in the bill's totals. It becomes one negative line per
 * account and tax rate of the lines it applies to, split in proportion to their Clio totals as
 * Clio spreads it; Xero taxes each at its type's rate, so the discount takes the tax of the lines
 * it discounts, and the rounding line takes the cents Clio's per-line recomputation differs by.
 */
function discountLines(bill: ClioBill, lines: Drafted[]): { line: DraftLine; rate: number }[] {
  const discount = sumCents(lines.map((l) => toCents(l.clio.total))) - toCents(bill.sub_total);
  if (discount === 0) return [];
  const eligible = lines.filter((l) => !servicesOnly(bill) || l.clio.kind === 'Service');
  const pool = eligible.length > 0 ? eligible : lines;
  const groups = new Map<string, { accountCode: string; taxType: string | null; rate: number; amount: Cents }>();
  for (const { clio, draft, rate } of pool) {
    const key = `${draft.accountCode}:${draft.taxType}`;
    const g = groups.get(key) ?? { accountCode: draft.accountCode, taxType: draft.taxType, rate, amount: 0 };
    g.amount += toCents(clio.total);
    groups.set(key, g);
  }
  const list = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  const amounts = allocateCents(
    discount,
    list.map(([, g]) => g.amount),
  );
  return list.map(([key, g], i) => ({
    rate: g.rate,
    line: {
      key: `discount:${key}`,
      description: discountLabel(bill),
      quantity: 1,
      unitAmount: -fromCents(amounts[i]!),
      accountCode: g.accountCode,
      taxType: g.taxType,
      discountCents: 0,
      lineAmountCents: -amounts[i]!,
      taxCents: xeroTaxCents(-amounts[i]!, g.rate),
    },
  }));
}

function interestLine(charge: ClioInterestCharge, input: BillMappingInput): { line: DraftLine; rate: number } | Problem {
  const { interestAccountCode: account, interestTaxType: tax } = input.accounts;
  if (!account || !tax) return problem('SETTINGS_INCOMPLETE', `Choose ${!account ? 'an account' : 'a tax rate'} for interest in the sync settings.`);
  const rate = rateOf(input, tax, 'interest');
  if (typeof rate !== 'number') return rate;
  const amount = toCents(charge.total);
  // Clio charges no tax on interest: a rate that would add some is named, not overridden.
  if (Math.abs(xeroTaxCents(amount, rate)) > 1) {
    return problem(
      'TAX_RATE_MISMATCH',
      `${billLabel(input.bill)}: Clio charges no tax on interest but the Xero tax rate ${tax} is ${percent(rate)}. Choose a 0 % tax rate for interest in the sync settings.`,
    );
  }
  return {
    rate,
    line: {
      key: `interest:${charge.id}`,
      description: (charge.description?.trim() || 'Interest').slice(0, MAX_DESCRIPTION),
      quantity: 1,
      unitAmount: fromCents(amount),
      accountCode: account,
      taxType: tax,
      discountCents: 0,
      lineAmountCents: amount,
      taxCents: xeroTaxCents(amount, rate),
    },
  };
}

const ROUNDING_KEY = 'rounding';
const ROUNDING_DESCRIPTION = 'Rounding';

/**
 * The one line that makes Xero's total Clio's to the cent (certification rows 21–22): Xero rounds
 * tax per line and takes quantities at 4 dp, Clio does neither quite so. On the organisation's
 * ROUNDING system account, with its no-tax type, so it moves no tax.
 */
function roundingLine(input: BillMappingInput, cents: Cents): DraftLine | Problem {
  const rounding = input.xeroTax.rounding;
  if (!rounding) {
    return problem(
      'XERO_ROUNDING_ACCOUNT_MISSING',
      `${billLabel(input.bill)}: Xero's per-line rounding comes to ${fromCents(cents).toFixed(2)} from Clio's total, and the Xero organisation has no rounding account with a 0 % tax rate to put it on.`,
    );
  }
  return {
    key: ROUNDING_KEY,
    description: ROUNDING_DESCRIPTION,
    quantity: 1,
    unitAmount: fromCents(cents),
    accountCode: rounding.accountCode,
    taxType: rounding.taxType,
    discountCents: 0,
    lineAmountCents: cents,
    taxCents: 0,
  };
}

/**
 * Clio's tax against what Xero's rates give on the whole bill. Per-line rounding on both sides,
 * and the cents 4-dp quantities move, account for a few cents; more means the rates disagree
 * somewhere no single line shows (a compound secondary tax, say), and is named, never rounded away.
 */
function billTaxMismatch(input: BillMappingInput, drafted: Drafted[], lines: { line: DraftLine; rate: number }[]): Problem | undefined {
  const clioTax = toCents(input.bill.total_tax);
  const xeroTax = sumCents(lines.map((l) => l.line.taxCents));
  const drift = sumCents(drafted.map((d) => Math.abs(d.quantityDrift * d.rate) / 100));
  const allowed = lines.length + drafted.length + Math.ceil(drift);
  if (Math.abs(clioTax - xeroTax) <= allowed) return undefined;
  return problem(
    'TAX_RATE_MISMATCH',
    `${billLabel(input.bill)}: Clio's tax on the bill is ${fromCents(clioTax).toFixed(2)} but Xero's tax rates give ${fromCents(xeroTax).toFixed(2)}. Choose the Xero tax rates that match Clio's, or correct the bill's tax in Clio.`,
  );
}

function reference(bill: ClioBill): string {
  const matter = bill.matters?.[0];
  const matterText = matter ? [matter.display_number, matter.description].filter(Boolean).join(' ') : '';
  return (matterText || bill.subject || `Clio bill ${bill.number}`).slice(0, MAX_REFERENCE);
}

/**
 * A Clio bill → the ACCREC invoice it should be in Xero. Pure: the same bill, settings and
 * organisation rates always give the same draft. Each line's tax type follows what Clio did to it
 * (taxed or not); Xero computes every line's tax from that type, and the lines are figured as Xero
 * will figure them, so the one rounding line makes Xero's total Clio's to the cent. Fails (never
 * guesses) when an account or tax rate is not chosen, or Clio's tax and Xero's rate disagree.
 */
export function billToInvoice(input: BillMappingInput): Mapped<InvoiceDraft> {
  const { bill } = input;
  if (!bill.client) return { ok: false, problem: { code: 'CLIO_RECORD_INCOMPLETE', detail: `Bill ${bill.number} has no client.` } };
  const ordered = [...input.lines].sort((a, b) => (a.group_ordering ?? 0) - (b.group_ordering ?? 0) || a.id - b.id);
  const drafted: Drafted[] = [];
  for (const clio of ordered) {
    const d = lineDraft(clio, input);
    if (isProblem(d)) return { ok: false, problem: d.problem };
    drafted.push(d);
  }
  const priced = [...drafted.map((d) => ({ line: d.draft, rate: d.rate })), ...discountLines(bill, drafted)];
  let interestCents = 0;
  for (const charge of [...input.interest].sort((a, b) => a.id - b.id)) {
    const i = interestLine(charge, input);
    if (isProblem(i)) return { ok: false, problem: i.problem };
    priced.push(i);
    interestCents += i.line.lineAmountCents;
  }
  const wrongTax = billTaxMismatch(input, drafted, priced);
  if (wrongTax) return { ok: false, problem: wrongTax.problem };
  const lines = priced.map((p) => p.line);
  const xeroTotal = sumCents(lines.map((l) => l.lineAmountCents + l.taxCents));
  const roundingCents = toCents(bill.sub_total) + toCents(bill.total_tax) + interestCents - xeroTotal;
  if (roundingCents !== 0) {
    const r = roundingLine(input, roundingCents);
    if (isProblem(r)) return { ok: false, problem: r.problem };
    lines.push(r);
  }
  const totalCents = xeroTotal + roundingCents;
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
