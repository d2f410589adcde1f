import type { SyncErrorCode } from '../sync/errors';
import type { ClioBill } from '../sync/mapping/clio-records';
import { toCents } from '../sync/mapping/money';
import { billScope, type BillScopeSettings } from '../sync/plan';

/**
 * Do Clio and Xero agree? Listings of both sides and the engine's links in, the differences out.
 * Pure: the check (check.ts) does the reading and the storing. Each record gets at most one
 * difference, the one that explains the most (a deleted invoice before its amounts), because a
 * record sits in one failure group of its kind at a time.
 */

export type AgreementKind = 'agreement_bill' | 'agreement_client' | 'agreement_hard_cost';

export type AgreementCode = Extract<
  SyncErrorCode,
  | 'PAID_IN_XERO_OPEN_IN_CLIO'
  | 'PAID_IN_CLIO_OPEN_IN_XERO'
  | 'CREDIT_DIFFERS'
  | 'EDITED_IN_XERO'
  | 'AMOUNT_DIFFERS'
  | 'DELETED_IN_XERO'
  | 'VOIDED_IN_CLIO_OPEN_IN_XERO'
  | 'MISSING_IN_XERO'
  | 'UNKNOWN_XERO_INVOICE'
  | 'CLIENT_BALANCE_DIFFERS'
>;

export interface Difference {
  kind: AgreementKind;
  clioId: string;
  xeroId: string | null;
  code: AgreementCode;
  /** The record as the firm names it: "Bill 000123", "Invoice INV-0042". */
  label: string;
  /** What each side holds, in figures. */
  detail: string;
}

/** A bill as Clio's bill listing gives it (the fields check.ts asks for). */
export type ListedBill = Pick<ClioBill, 'id' | 'number' | 'state' | 'issued_at' | 'total' | 'balance' | 'credits_issued' | 'client'> & { paid?: number | null };

/** A sales invoice as Xero's invoice listing gives it. */
export interface ListedInvoice {
  invoiceId: string;
  number: string;
  status: string;
  contactId: string | null;
  total: number;
  amountDue: number;
  amountPaid: number;
  amountCredited: number;
  url: string | null;
  updatedAt: Date | null;
}

export interface ListedHardCost {
  id: number;
  total: number;
}

export interface ListedSpend {
  bankTransactionId: string;
  status: string;
  total: number;
}

/** What the engine's link rows say (only what the comparison needs). */
export interface KnownLink {
  clioId: string;
  xeroId: string | null;
  state: string;
  errorCode: string | null;
  lastSyncedAt: Date | null;
  /** The total Xero reported when the record was last written, in cents. */
  syncedTotalCents: number | null;
}

export interface AgreementInput {
  settings: BillScopeSettings;
  /** The firm's Clio host: the invoices we create carry `${clioWebUrl}/nc/#/bills/<id>` as their Url. */
  clioWebUrl: string;
  bills: ListedBill[];
  invoices: ListedInvoice[];
  billLinks: KnownLink[];
  /** Every Xero invoice id some bill link holds, whether or not its bill was listed. */
  linkedInvoiceIds: Set<string>;
  /** Clio client id → Xero contact id. */
  contactLinks: Map<string, string>;
  hardCosts: ListedHardCost[];
  spends: ListedSpend[];
  hardCostLinks: KnownLink[];
}

export interface AgreementResult {
  billsCompared: number;
  differences: Difference[];
}

const CLOSED_IN_XERO = new Set(['DELETED', 'VOIDED']);
const CLOSED_IN_CLIO = new Set<string>(['void', 'deleted']);
const money = (cents: number) => (cents / 100).toFixed(2);
const cents = (n: number | null | undefined) => toCents(n ?? 0);
const lower = (id: string) => id.toLowerCase();

/** The Clio bill id an invoice's Url names, when the Url is one of ours. */
export function billIdOfUrl(clioWebUrl: string, url: string | null): string | undefined {
  if (!url) return undefined;
  const prefix = `${clioWebUrl.replace(/\/+$/, '')}/nc/#/bills/`;
  if (!url.startsWith(prefix)) return undefined;
  const id = url.slice(prefix.length);
  return /^\d+$/.test(id) ? id : undefined;
}

export function compareListings(input: AgreementInput): AgreementResult {
  const invoices = new Map(input.invoices.map((i) => [lower(i.invoiceId), i]));
  const links = new Map(input.billLinks.map((l) => [l.clioId, l]));
  const differences: Difference[] = [];
  const unknown = unknownInvoices(input);
  const differing = new Set<string>();
  let billsCompared = 0;

  for (const bill of input.bills) {
    const clioId = String(bill.id);
    const link = links.get(clioId);
    const invoice = link?.xeroId ? invoices.get(lower(link.xeroId)) : undefined;
    const label = `Bill ${bill.number}`;
    const found = link?.xeroId ? linkedBill(bill, link, invoice, label) : unlinkedBill(bill, link, input.settings, unknown.get(clioId), label);
    if (found === 'out_of_scope') continue;
    billsCompared++;
    if (found) {
      differences.push(found);
      if (bill.client) differing.add(String(bill.client.id));
    }
  }
  // Invoices naming a bill that was not listed (deleted in Clio, say) are still unknown to the links.
  const named = new Set(differences.map((d) => d.clioId));
  for (const [clioId, invoice] of unknown) if (!named.has(clioId)) differences.push(unknownDifference(clioId, invoice));

  differences.push(...clientBalances(input, invoices, links, differing));
  differences.push(...hardCosts(input));
  return { billsCompared, differences };
}

/** Live invoices whose Url names one of our bills, that no bill link holds. */
function unknownInvoices(input: AgreementInput): Map<string, ListedInvoice> {
  const out = new Map<string, ListedInvoice>();
  for (const invoice of input.invoices) {
    if (CLOSED_IN_XERO.has(invoice.status) || input.linkedInvoiceIds.has(lower(invoice.invoiceId))) continue;
    const billId = billIdOfUrl(input.clioWebUrl, invoice.url);
    if (billId && !out.has(billId)) out.set(billId, invoice);
  }
  return out;
}

const unknownDifference = (clioId: string, invoice: ListedInvoice): Difference => ({
  kind: 'agreement_bill',
  clioId,
  xeroId: invoice.invoiceId,
  code: 'UNKNOWN_XERO_INVOICE',
  label: `Invoice ${invoice.number}`,
  detail: `Xero invoice ${invoice.number} (${invoice.status}, total ${invoice.total.toFixed(2)}) links back to Clio bill ${clioId}, which the sync has not linked to it.`,
});

function unlinkedBill(
  bill: ListedBill,
  link: KnownLink | undefined,
  settings: BillScopeSettings,
  unknown: ListedInvoice | undefined,
  label: string,
): Difference | undefined | 'out_of_scope' {
  if (!billScope(bill as ClioBill, settings, false).in) return 'out_of_scope';
  const clioId = String(bill.id);
  if (unknown) return unknownDifference(clioId, unknown);
  const why = link?.errorCode ? `its last sync failed (${link.errorCode})` : link ? `its sync is ${link.state}` : 'it was never sent';
  return {
    kind: 'agreement_bill',
    clioId,
    xeroId: null,
    code: 'MISSING_IN_XERO',
    label,
    detail: `Bill ${bill.number} (${bill.state}, total ${money(cents(bill.total))}) has no invoice in Xero: ${why}.`,
  };
}

function linkedBill(bill: ListedBill, link: KnownLink, invoice: ListedInvoice | undefined, label: string): Difference | undefined {
  const clioId = String(bill.id);
  const xeroId = link.xeroId;
  const diff = (code: AgreementCode, detail: string): Difference => ({ kind: 'agreement_bill', clioId, xeroId, code, label, detail });
  const clioClosed = CLOSED_IN_CLIO.has(bill.state);
  if (!invoice || CLOSED_IN_XERO.has(invoice.status)) {
    if (clioClosed) return undefined;
    return diff(
      'DELETED_IN_XERO',
      invoice
        ? `Invoice ${invoice.number} is ${invoice.status} in Xero; bill ${bill.number} is ${bill.state} in Clio.`
        : `The invoice of bill ${bill.number} is no longer in Xero.`,
    );
  }
  if (clioClosed) return diff('VOIDED_IN_CLIO_OPEN_IN_XERO', `Bill ${bill.number} is ${bill.state} in Clio; invoice ${invoice.number} is ${invoice.status} in Xero.`);

  const clio = { total: cents(bill.total), paid: cents(bill.paid), credited: cents(bill.credits_issued), balance: cents(bill.balance) };
  const xero = { total: cents(invoice.total), paid: cents(invoice.amountPaid), credited: cents(invoice.amountCredited), balance: cents(invoice.amountDue) };
  if (clio.total !== xero.total) {
    // Xero's total moved away from what it held after our last write: edited there. Without that
    // figure (links older than it), Xero's stamp against ours says the same, clocks allowing.
    const editedAfterSync =
      link.syncedTotalCents !== null ? xero.total !== link.syncedTotalCents : Boolean(invoice.updatedAt && link.lastSyncedAt && invoice.updatedAt > link.lastSyncedAt);
    return diff(editedAfterSync ? 'EDITED_IN_XERO' : 'AMOUNT_DIFFERS', `Total ${money(clio.total)} in Clio, ${money(xero.total)} in Xero (invoice ${invoice.number}).`);
  }
  if (xero.paid > clio.paid)
    return diff(
      'PAID_IN_XERO_OPEN_IN_CLIO',
      `Paid ${money(xero.paid)} in Xero, ${money(clio.paid)} in Clio; balance ${money(clio.balance)} in Clio, ${money(xero.balance)} due in Xero.`,
    );
  if (clio.paid > xero.paid)
    return diff(
      'PAID_IN_CLIO_OPEN_IN_XERO',
      `Paid ${money(clio.paid)} in Clio, ${money(xero.paid)} in Xero; balance ${money(clio.balance)} in Clio, ${money(xero.balance)} due in Xero.`,
    );
  if (clio.credited !== xero.credited) return diff('CREDIT_DIFFERS', `Credit ${money(clio.credited)} in Clio, ${money(xero.credited)} in Xero.`);
  if (clio.balance !== xero.balance) return diff('AMOUNT_DIFFERS', `Balance ${money(clio.balance)} in Clio, ${money(xero.balance)} due in Xero.`);
  return undefined;
}

/**
 * Per linked client: Clio's outstanding balance over its synced bills against what Xero says the
 * contact owes on all its sales invoices. Bills before the sync's start are left out on both
 * sides (they never reached Xero); a client whose bills already differ is explained by them.
 */
function clientBalances(input: AgreementInput, invoices: Map<string, ListedInvoice>, links: Map<string, KnownLink>, differing: Set<string>): Difference[] {
  const clio = new Map<string, number>();
  for (const bill of input.bills) {
    const link = links.get(String(bill.id));
    if (!bill.client || !link?.xeroId || CLOSED_IN_CLIO.has(bill.state) || !invoices.has(lower(link.xeroId))) continue;
    const client = String(bill.client.id);
    clio.set(client, (clio.get(client) ?? 0) + cents(bill.balance));
  }
  const owed = new Map<string, number>();
  for (const invoice of input.invoices) {
    if (!invoice.contactId || CLOSED_IN_XERO.has(invoice.status) || invoice.status === 'DRAFT' || invoice.status === 'SUBMITTED') continue;
    owed.set(lower(invoice.contactId), (owed.get(lower(invoice.contactId)) ?? 0) + cents(invoice.amountDue));
  }
  const out: Difference[] = [];
  for (const [client, balance] of clio) {
    const contactId = input.contactLinks.get(client);
    if (!contactId || differing.has(client)) continue;
    const xero = owed.get(lower(contactId)) ?? 0;
    if (xero !== balance)
      out.push({
        kind: 'agreement_client',
        clioId: client,
        xeroId: contactId,
        code: 'CLIENT_BALANCE_DIFFERS',
        label: `Client ${client}`,
        detail: `Outstanding ${money(balance)} on the synced bills in Clio; the contact owes ${money(xero)} in Xero.`,
      });
  }
  return out;
}

/** Each linked hard cost against its spend-money transaction. */
function hardCosts(input: AgreementInput): Difference[] {
  const costs = new Map(input.hardCosts.map((c) => [String(c.id), c]));
  const spends = new Map(input.spends.map((t) => [lower(t.bankTransactionId), t]));
  const out: Difference[] = [];
  for (const link of input.hardCostLinks) {
    const cost = costs.get(link.clioId);
    if (!link.xeroId || !cost) continue;
    const spend = spends.get(lower(link.xeroId));
    const diff = (code: AgreementCode, detail: string): Difference => ({
      kind: 'agreement_hard_cost',
      clioId: link.clioId,
      xeroId: link.xeroId,
      code,
      label: `Hard cost ${link.clioId}`,
      detail,
    });
    if (!spend || CLOSED_IN_XERO.has(spend.status))
      out.push(diff('DELETED_IN_XERO', `The spend-money transaction of hard cost ${link.clioId} is ${spend ? spend.status : 'no longer'} in Xero.`));
    else if (cents(cost.total) !== cents(spend.total))
      out.push(diff('AMOUNT_DIFFERS', `Total ${money(cents(cost.total))} in Clio, ${money(cents(spend.total))} in Xero.`));
  }
  return out;
}
