import type { BankTransaction, Invoice } from 'xero-node';
import type { ClioClient } from '../clio/client';
import type { ClioDeps } from '../clio/deps';
import { firmClioConnection } from '../clio/connections-repository';
import { clientForConnection } from '../clio/tokens';
import { getFirm } from '../firms/repository';
import { getSettings } from '../settings/repository';
import { isConnectionLost, isDailyLimit } from '../sync/errors';
import { getLinks, type LinkRow, linkedXeroIds } from '../sync/links';
import { listOpenErrors, recordFailureGroup, resolveFailures } from '../sync/failure-groups';
import { openXeroForFirm, type XeroClientDeps, type XeroOrgClient } from '../xero/client';
import { billIdOfUrl, compareListings, type AgreementKind, type KnownLink, type ListedBill, type ListedHardCost, type ListedInvoice, type ListedSpend } from './compare';
import { saveCheck, type StoredCheck } from './repository';

export type AgreementDeps = ClioDeps & XeroClientDeps;

/**
 * The agreement check of one firm: both sides read as listings (Clio's bills and hard costs 200 a
 * call, Xero's sales invoices and spend-money transactions 1,000 a call: a few calls per thousand
 * bills, not one per record), compared (compare.ts), each difference put in its failure group and
 * each record that agrees again taken out of one, and the result stored for the Status tab.
 * Undefined when the firm is not installed, set up and connected on both sides.
 */
export async function checkAgreement(deps: AgreementDeps, firmId: string): Promise<StoredCheck | undefined> {
  const [firm, settings, connection] = await Promise.all([getFirm(deps.db, firmId), getSettings(deps.db, firmId), firmClioConnection(deps.db, firmId)]);
  const app = connection && deps.config.clio[connection.region];
  if (firm?.status !== 'active' || !settings || !connection || !app) return undefined;
  const clio = clientForConnection(deps, connection);
  const xero = await openXeroForFirm(deps, firmId);

  const bills = await collect(clio.list<ListedBill>('/bills.json', { fields: BILL_FIELDS }));
  const invoices = (
    await xeroPages(
      (page) =>
        xero.read((api, t) =>
          api.getInvoices(t, undefined, 'Type=="ACCREC"', undefined, undefined, undefined, undefined, undefined, page, true, undefined, undefined, undefined, PAGE_SIZE),
        ),
      (b) => b.invoices,
    )
  ).map(listedInvoice);
  const billLinks = await getLinks(
    deps.db,
    firmId,
    'bill',
    bills.map((b) => String(b.id)),
  );
  const ours = invoices.filter((i) => billIdOfUrl(app.baseUrl, i.url)).map((i) => i.invoiceId);
  const linkedInvoiceIds = new Set(
    [...(await linkedXeroIds(deps.db, firmId, 'bill', ours)), ...[...billLinks.values()].flatMap((l) => (l.xeroId ? [l.xeroId] : []))].map((id) => id.toLowerCase()),
  );
  const clients = [...new Set(bills.flatMap((b) => (b.client ? [String(b.client.id)] : [])))];
  const contactLinks = new Map([...(await getLinks(deps.db, firmId, 'contact', clients))].flatMap(([clioId, l]) => (l.xeroId ? [[clioId, l.xeroId] as const] : [])));
  const { hardCosts, spends, hardCostLinks } = await readHardCosts(deps, firmId, clio, xero, settings.syncHardCosts);

  const result = compareListings({
    settings,
    clioWebUrl: app.baseUrl,
    bills,
    invoices,
    billLinks: [...billLinks.values()].map(known),
    linkedInvoiceIds,
    contactLinks,
    hardCosts,
    spends,
    hardCostLinks: [...hardCostLinks.values()].map(known),
  });

  await updateGroups(deps, firmId, result.differences, {
    agreement_bill: bills.map((b) => String(b.id)),
    agreement_client: clients,
    agreement_hard_cost: hardCosts.map((c) => String(c.id)),
  });
  const stored = await saveCheck(deps.db, firmId, result);
  deps.logger.info({ firmId, billsCompared: result.billsCompared, differences: result.differences.length }, 'agreement checked');
  return stored;
}

/**
 * The job's entry: a lost connection or Xero's day limit is the sync's to report (it already
 * does, in the firm's failure groups); the check waits for tomorrow, or for a click.
 */
export async function runAgreementCheck(deps: AgreementDeps, firmId: string): Promise<void> {
  try {
    await checkAgreement(deps, firmId);
  } catch (err) {
    if (!isConnectionLost(err) && !isDailyLimit(err)) throw err;
    deps.logger.info({ firmId, reason: (err as Error).message }, 'agreement check skipped');
  }
}

const BILL_FIELDS = 'id,number,state,issued_at,total,balance,paid,credits_issued,client{id}';
const HARD_COST_FIELDS = 'id,total';
/** Xero's largest page (xero-api.md §3). */
const PAGE_SIZE = 1000;

async function collect<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

/** Page after page until a short one: Xero gives no count up front. */
async function xeroPages<B, T>(read: (page: number) => Promise<B>, items: (body: B) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const got = items(await read(page)) ?? [];
    out.push(...got);
    if (got.length < PAGE_SIZE) return out;
  }
}

const listedInvoice = (i: Invoice): ListedInvoice => ({
  invoiceId: i.invoiceID ?? '',
  number: i.invoiceNumber ?? '',
  status: String(i.status ?? ''),
  contactId: i.contact?.contactID ?? null,
  total: i.total ?? 0,
  amountDue: i.amountDue ?? 0,
  amountPaid: i.amountPaid ?? 0,
  amountCredited: i.amountCredited ?? 0,
  url: i.url ?? null,
  updatedAt: i.updatedDateUTC ? new Date(i.updatedDateUTC) : null,
});

const listedSpend = (t: BankTransaction): ListedSpend => ({ bankTransactionId: t.bankTransactionID ?? '', status: String(t.status ?? ''), total: t.total ?? 0 });

const known = (l: LinkRow): KnownLink => ({
  clioId: l.clioId,
  xeroId: l.xeroId,
  state: l.state,
  errorCode: l.errorCode,
  lastSyncedAt: l.lastSyncedAt,
  syncedTotalCents: l.snapshot?.totalCents ?? null,
});

/** Hard costs are read only where some are linked or the firm sends them: otherwise there is nothing to compare. */
async function readHardCosts(deps: AgreementDeps, firmId: string, clio: ClioClient, xero: XeroOrgClient, syncHardCosts: boolean) {
  const none = { hardCosts: [] as ListedHardCost[], spends: [] as ListedSpend[], hardCostLinks: new Map<string, LinkRow>() };
  if (!syncHardCosts) return none;
  const hardCosts = await collect(clio.list<ListedHardCost>('/activities.json', { fields: HARD_COST_FIELDS, query: { type: 'HardCostEntry' } }));
  const hardCostLinks = await getLinks(
    deps.db,
    firmId,
    'hard_cost',
    hardCosts.map((c) => String(c.id)),
  );
  if (![...hardCostLinks.values()].some((l) => l.xeroId)) return { ...none, hardCosts };
  const spends = (
    await xeroPages(
      (page) => xero.read((api, t) => api.getBankTransactions(t, undefined, 'Type=="SPEND"', undefined, page, undefined, PAGE_SIZE)),
      (b) => b.bankTransactions,
    )
  ).map(listedSpend);
  return { hardCosts, spends, hardCostLinks };
}

/**
 * Each difference joins its code's group (leaving any other of its kind); every record compared
 * that now agrees leaves its group, and so does a record of an open group that was not listed
 * this time (gone from Clio, it has nothing left to disagree about).
 */
async function updateGroups(
  deps: AgreementDeps,
  firmId: string,
  differences: ReturnType<typeof compareListings>['differences'],
  compared: Record<AgreementKind, string[]>,
) {
  const open = await listOpenErrors(deps.db, firmId);
  for (const kind of Object.keys(compared) as AgreementKind[]) {
    const differing = new Set(differences.filter((d) => d.kind === kind).map((d) => d.clioId));
    const inGroups = open.filter((g) => g.kind === kind).flatMap((g) => g.clioIds);
    const agree = [...new Set([...compared[kind], ...inGroups])].filter((id) => !differing.has(id));
    await resolveFailures(deps.db, firmId, kind, agree);
  }
  for (const d of differences) await recordFailureGroup(deps.db, firmId, d.kind, d.clioId, { code: d.code, detail: d.detail });
}
