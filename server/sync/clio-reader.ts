import type { ClioClient } from '../clio/client';
import type {
  ClioActivityCategory,
  ClioAllocation,
  ClioBill,
  ClioDeposit,
  ClioContact,
  ClioCreditMemo,
  ClioHardCost,
  ClioInterestCharge,
  ClioLineItem,
  ClioPaymentAllocation,
} from './mapping/clio-records';

/**
 * Reading what changed in Clio, with exactly the fields the mapping uses. Clio returns only the
 * fields asked for, and every call counts against the firm's 50 a minute, so reads come in lists
 * (ids[] up to a page) wherever Clio allows it.
 */

export const BILL_FIELDS =
  'id,etag,number,state,issued_at,due_at,subject,memo,updated_at,sub_total,total_tax,total,balance,credits_issued,discount_services_only,tax_rate,secondary_tax_rate,client{id,name},matters{id,display_number,description},currency{code},discount{rate,type,note},interest{total}';
export const LINE_FIELDS =
  'id,etag,type,kind,description,note,date,price,quantity,sub_total,total,tax,secondary_tax,taxable,secondary_taxable,group_ordering,bill{id},activity{id},discount{rate,type}';
const INTEREST_FIELDS = 'id,date,description,total,bill{id}';
export const CONTACT_FIELDS =
  'id,etag,type,name,first_name,last_name,updated_at,email_addresses{id,address,name,primary},phone_numbers{id,number,name,primary},addresses{id,street,city,province,postal_code,country,name,primary}';
const MEMO_FIELDS = 'id,date,amount,description,voided_at,updated_at,contact{id}';
const ALLOCATION_FIELDS = 'id,date,amount,voided_at,bill{id},parent{id,type}';
const PAYMENT_ALLOCATION_FIELDS = 'id,date,amount,interest,voided_at,updated_at,has_online_payment,bill{id},parent{id,type},source_bank_account{id}';
const HARD_COST_FIELDS = 'id,etag,type,date,quantity,price,total,note,reference,tax_setting,updated_at,vendor{id,name},matter{id,display_number}';

/** Clio pages hold up to 200; ids[] lists are kept to a page so one call answers them. */
const PAGE = 200;

const chunks = <T>(list: T[], size: number): T[][] => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));

async function collect<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

async function byIds<T>(clio: ClioClient, path: string, fields: string, ids: (string | number)[]): Promise<T[]> {
  const out: T[] = [];
  for (const chunk of chunks([...new Set(ids.map(String))], PAGE)) {
    const query = new URLSearchParams();
    for (const id of chunk) query.append('ids[]', id);
    out.push(...(await collect(clio.list<T>(`${path}?${query.toString()}`, { fields }))));
  }
  return out;
}

export const readBills = (clio: ClioClient, ids: (string | number)[]) => byIds<ClioBill>(clio, '/bills.json', BILL_FIELDS, ids);
export const readContacts = (clio: ClioClient, ids: (string | number)[]) => byIds<ClioContact>(clio, '/contacts.json', CONTACT_FIELDS, ids);
export const readCreditMemos = (clio: ClioClient, ids: (string | number)[]) => byIds<ClioCreditMemo>(clio, '/credit_memos.json', MEMO_FIELDS, ids);

/** The categories of the given activities, only needed when the firm maps categories to accounts. */
export const readActivityCategories = (clio: ClioClient, ids: (string | number)[]) =>
  byIds<ClioActivityCategory>(clio, '/activities.json', 'id,activity_description{id},expense_category{id}', ids);

/** One page at a time, so the caller stores each page's results before asking for the next. */
export function pagesSince<T>(clio: ClioClient, path: string, fields: string, since: string | undefined, extra: Record<string, string> = {}): AsyncGenerator<T[]> {
  return pages(clio.list<T>(path, { fields, query: { ...extra, ...(since ? { updated_since: since } : {}) } }));
}

async function* pages<T>(gen: AsyncGenerator<T>): AsyncGenerator<T[]> {
  let page: T[] = [];
  for await (const item of gen) {
    page.push(item);
    if (page.length === PAGE) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}

export const billPagesSince = (clio: ClioClient, since: string | undefined) => pagesSince<ClioBill>(clio, '/bills.json', BILL_FIELDS, since);
export const contactPagesSince = (clio: ClioClient, since: string | undefined) => pagesSince<ClioContact>(clio, '/contacts.json', CONTACT_FIELDS, since);
export const billIdsOfMatter = async (clio: ClioClient, matterId: string) =>
  (await collect(clio.list<{ id: number }>('/bills.json', { fields: 'id', query: { matter_id: matterId } }))).map((b) => b.id);

/**
 * Each bill's line items and interest charges (one call per bill, interest only where there is
 * some), or for a backfill every line item, interest charge, credit memo and credit allocation in
 * one listing each (a few hundred per call), which is far cheaper.
 */
export async function readBillDetails(
  clio: ClioClient,
  bills: ClioBill[],
  mode: 'per_bill' | 'bulk',
): Promise<{ lines: Map<number, ClioLineItem[]>; interest: Map<number, ClioInterestCharge[]>; memoAllocations: ClioAllocation[]; memos?: ClioCreditMemo[] }> {
  const lines = new Map<number, ClioLineItem[]>(bills.map((b) => [b.id, []]));
  const interest = new Map<number, ClioInterestCharge[]>(bills.map((b) => [b.id, []]));
  const withInterest = bills.filter((b) => (b.interest?.total ?? 0) !== 0);
  const withCredits = bills.filter((b) => (b.credits_issued ?? 0) > 0);
  const put = <T extends { bill: { id: number } }>(map: Map<number, T[]>, item: T) => map.get(item.bill.id)?.push(item);
  let memoAllocations: ClioAllocation[] = [];
  let memos: ClioCreditMemo[] | undefined;
  if (mode === 'bulk') {
    for await (const item of clio.list<ClioLineItem>('/line_items.json', { fields: LINE_FIELDS })) put(lines, item);
    if (withInterest.length) for await (const item of clio.list<ClioInterestCharge>('/interest_charges.json', { fields: INTEREST_FIELDS })) put(interest, item);
    if (withCredits.length) {
      memoAllocations = await readMemoAllocations(clio, {});
      memos = await collect(clio.list<ClioCreditMemo>('/credit_memos.json', { fields: MEMO_FIELDS }));
    }
  } else {
    for (const bill of bills) {
      for await (const item of clio.list<ClioLineItem>('/line_items.json', { fields: LINE_FIELDS, query: { bill_id: bill.id } })) put(lines, item);
    }
    for (const bill of withInterest) {
      for await (const item of clio.list<ClioInterestCharge>('/interest_charges.json', { fields: INTEREST_FIELDS, query: { bill_id: bill.id } })) put(interest, item);
    }
  }
  return { lines, interest, memoAllocations, ...(memos ? { memos } : {}) };
}

/**
 * Credit-memo allocations: of the given bills or memos, or (neither given) every one. The published
 * file types `parent_type` as an integer while naming CreditMemo or Payment, so it is not sent:
 * the parent's type is read from each allocation (a `parent_id` may also be a payment's).
 */
export async function readMemoAllocations(clio: ClioClient, q: { billIds?: number[]; memoIds?: number[] }): Promise<ClioAllocation[]> {
  const out: ClioAllocation[] = [];
  const list = (query: Record<string, string | number>) => clio.list<ClioAllocation>('/allocations.json', { fields: ALLOCATION_FIELDS, query });
  if (q.billIds) for (const id of q.billIds) out.push(...(await collect(list({ bill_id: id }))));
  if (q.memoIds) for (const id of q.memoIds) out.push(...(await collect(list({ parent_id: id }))));
  if (!q.billIds && !q.memoIds) out.push(...(await collect(list({}))));
  const seen = new Set<number>();
  return out.filter((a) => a.parent?.type === 'CreditMemo' && !seen.has(a.id) && seen.add(a.id));
}

/**
 * Payment allocations (parent Payment, told apart in code as above): by id, or of the given bills.
 * Clio has no payments endpoint; the allocation is where a payment meets a bill, and it carries
 * `updated_at` (a void stamps it), so the allocation listing is how payments are swept.
 */
export async function readPaymentAllocations(clio: ClioClient, q: { ids?: (string | number)[]; billIds?: number[] }): Promise<ClioPaymentAllocation[]> {
  const out: ClioPaymentAllocation[] = [];
  if (q.ids?.length) out.push(...(await byIds<ClioPaymentAllocation>(clio, '/allocations.json', PAYMENT_ALLOCATION_FIELDS, q.ids)));
  for (const id of q.billIds ?? [])
    out.push(...(await collect(clio.list<ClioPaymentAllocation>('/allocations.json', { fields: PAYMENT_ALLOCATION_FIELDS, query: { bill_id: id } }))));
  const seen = new Set<number>();
  return out.filter((a) => a.parent?.type === 'Payment' && !seen.has(a.id) && seen.add(a.id));
}

/** Every allocation changed since a time, payments' and credit memos' alike (the sweep splits them). */
export const allocationPagesSince = (clio: ClioClient, since: string | undefined) =>
  pagesSince<ClioPaymentAllocation>(clio, '/allocations.json', PAYMENT_ALLOCATION_FIELDS, since);

/**
 * The allocations of Clio Payments charges. /clio_payments/payments has no updated_since, so it
 * is never listed: its webhook names the charges, and this turns them into allocation ids.
 */
export async function allocationIdsOfClioPayments(clio: ClioClient, ids: (string | number)[]): Promise<number[]> {
  const charges = await byIds<{ id: number; allocations?: { id: number }[] | null }>(clio, '/clio_payments/payments.json', 'id,allocations{id}', ids);
  return charges.flatMap((c) => (c.allocations ?? []).map((a) => a.id));
}

/** Activities by id (a deleted one is simply absent from the answer). */
export const readActivities = (clio: ClioClient, ids: (string | number)[]) => byIds<ClioHardCost>(clio, '/activities.json', HARD_COST_FIELDS, ids);

export const hardCostPagesSince = (clio: ClioClient, since: string | undefined) =>
  pagesSince<ClioHardCost>(clio, '/activities.json', HARD_COST_FIELDS, since, { type: 'HardCostEntry' });

export type ClioPaymentShare = ClioPaymentAllocation & { contact?: { id: number; name?: string } | null };
const SHARE_FIELDS = 'id,amount,voided_at,parent{id,type},contact{id,name}';

/**
 * Every allocation (live and voided) of one Clio payment, or (none given) of every payment, with the
 * paying client. `parent_type` is not sent (the published file types it as an integer): the
 * parent's type is read from each allocation, since a `parent_id` may also be a credit memo's.
 */
export const readAllocationsOfPayments = async (clio: ClioClient, paymentId?: number) =>
  (
    await collect(
      clio.list<ClioPaymentShare>('/allocations.json', {
        fields: SHARE_FIELDS,
        query: paymentId === undefined ? {} : { parent_id: paymentId },
      }),
    )
  ).filter((a) => a.parent?.type === 'Payment');

/**
 * Operating-account deposits (`type=asset`) of one client, or of every client: a recorded
 * payment's deposit holds the whole amount received, allocated or not, and names one of its allocations.
 */
export const readOperatingDeposits = (clio: ClioClient, clientId?: number) =>
  collect(
    clio.list<ClioDeposit>('/bank_transactions.json', {
      fields: 'id,date,funds_in,currency,allocation{id}',
      query: { type: 'asset', ...(clientId === undefined ? {} : { client_id: clientId }) },
    }),
  );
