import type { BankTransaction } from 'xero-node';
import { readActivities } from '../clio-reader';
import { clioActivityUrl, type SyncContext } from '../context';
import { claimForCreate, getLinks, type LinkRow } from '../links';
import type { ClioActivityType } from '../../domain/kinds';
import type { ClioHardCost } from '../mapping/clio-records';
import { hardCostScope, hardCostToSpend } from '../mapping/hard-costs';
import { contentHash } from '../mapping/hash';
import { toCents } from '../mapping/money';
import type { SpendDraft } from '../mapping/xero-drafts';
import { failed, removedInXero, succeeded, waiting } from '../outcome';
import { planPush } from '../plan';
import { chunk, deleteBankTransactions, type ElementResult, findSpendTransactions, saveSpendTransactions } from '../xero-writer';
import { pushContacts } from './push-contacts';

const KIND = 'hard_cost' as const;

interface Write {
  cost: ClioHardCost;
  link: LinkRow | undefined;
  draft: SpendDraft;
  hash: string;
  contactId: string;
}

/** Hard costs by Clio id (a webhook, a retry): one asked for and not found was deleted in Clio. */
export async function pushHardCostsById(ctx: SyncContext, ids: string[]): Promise<void> {
  const found = await readActivities(ctx.clio, ids);
  const foundIds = new Set(found.map((a) => String(a.id)));
  await pushHardCosts(ctx, found, { deletedIds: ids.filter((id) => !foundIds.has(id)) });
}

/**
 * Clio hard costs → Xero "spend money" bank transactions, the vendor as the contact (matched or
 * created like any contact). An edit updates the transaction in place; a hard cost deleted in
 * Clio (`deletedIds`: asked for and not found) deletes it. A reconciled transaction cannot change
 * in Xero: that is stored as XERO_RECONCILED with its fix.
 */
export async function pushHardCosts(ctx: SyncContext, costs: ClioHardCost[], opts: { deletedIds?: string[] } = {}): Promise<void> {
  const deletedIds = opts.deletedIds ?? [];
  const links = await getLinks(ctx.db, ctx.firmId, KIND, [...costs.map((c) => String(c.id)), ...deletedIds]);
  if (!ctx.settings.syncHardCosts) {
    for (const id of deletedIds.filter((d) => links.get(d)?.xeroId))
      ctx.plan.push({ kind: KIND, clioId: id, label: `Hard cost ${id}`, action: 'skip', reason: 'hard cost syncing is off in the settings' });
  }
  const inScope = costs.filter((cost) => {
    const scope = hardCostScope(cost, ctx.settings);
    if (!scope.in) ctx.plan.push({ kind: KIND, clioId: String(cost.id), label: `Hard cost ${cost.id}`, action: 'skip', reason: scope.reason });
    return scope.in;
  });
  const vendors = await pushContacts(
    ctx,
    inScope.flatMap((c) => (c.vendor ? [String(c.vendor.id)] : [])),
    { create: true, refreshLinked: false },
  );
  const creates: Write[] = [];
  const updates: Write[] = [];
  for (const cost of inScope) {
    const id = String(cost.id);
    const link = links.get(id);
    const label = `Hard cost ${cost.id}`;
    const mapped = hardCostToSpend(cost, ctx.settings, clioActivityUrl(ctx, cost.id));
    const contactId = cost.vendor ? vendors.get(String(cost.vendor.id)) : undefined;
    if (mapped.ok && !contactId) {
      if (ctx.dryRun) ctx.plan.push({ kind: KIND, clioId: id, label, action: link?.xeroId ? 'update' : 'create', reason: 'with its vendor created first' });
      else {
        ctx.plan.push({ kind: KIND, clioId: id, label, action: 'wait', reason: 'its vendor is not in Xero yet (see the contact’s own status)' });
        await waiting(ctx, KIND, id, 'waits for its vendor to reach Xero');
      }
      continue;
    }
    const hash = mapped.ok ? contentHash({ spend: mapped.value, contactId }) : undefined;
    const item = planPush(KIND, id, label, link?.snapshot?.status === 'DELETED' ? undefined : link, mapped, hash);
    ctx.plan.push(item);
    if (item.action === 'fail') {
      if (!ctx.dryRun) await failed(ctx, KIND, id, item.failure!, { dropClaim: true, xeroId: link?.xeroId ?? null });
    } else if (item.action === 'create') creates.push({ cost, link, draft: item.draft!, hash: hash!, contactId: contactId! });
    else if (item.action === 'update') updates.push({ cost, link, draft: item.draft!, hash: hash!, contactId: contactId! });
  }
  const deletes = ctx.settings.syncHardCosts ? deletedIds.flatMap((id) => planDelete(ctx, id, links.get(id))) : [];
  if (ctx.dryRun) return;
  await writeCreates(ctx, creates);
  for (const part of chunk(updates)) {
    const results = await saveSpendTransactions(
      ctx.xero,
      part.map((w) => ({ draft: w.draft, contactId: w.contactId, bankTransactionId: w.link!.xeroId!, fromHash: w.link!.lastPushedHash })),
    );
    for (const [i, r] of results.entries()) await settle(ctx, part[i]!, r, 'update');
  }
  for (const part of chunk(deletes)) {
    const results = await deleteBankTransactions(
      ctx.xero,
      part.map((d) => d.link.xeroId!),
    );
    for (const [i, r] of results.entries()) {
      const { id, link } = part[i]!;
      if (r.ok) await removedInXero(ctx, KIND, { clioId: id, link, status: 'DELETED', reason: 'deleted in Clio' });
      else await failed(ctx, KIND, id, r.failure, { dropClaim: false, xeroId: link.xeroId });
    }
  }
}

/**
 * The activities a webhook job must read from Clio. One its webhook named as anything but a hard
 * cost is skipped unread, unless it is linked as a hard cost (it was one, and its type may have
 * changed since); one with no type named (an older job or webhook) is read as before.
 */
export async function activitiesToRead(ctx: SyncContext, ids: string[], types: Record<string, ClioActivityType> = {}): Promise<string[]> {
  const notHardCosts = ids.filter((id) => types[id] !== undefined && types[id] !== 'HardCostEntry');
  const links = await getLinks(ctx.db, ctx.firmId, KIND, notHardCosts);
  return ids.filter((id) => !notHardCosts.includes(id) || links.has(id));
}

function planDelete(ctx: SyncContext, id: string, link: LinkRow | undefined): { id: string; link: LinkRow }[] {
  const label = `Hard cost ${id}`;
  if (!link?.xeroId || link.snapshot?.status === 'DELETED') {
    ctx.plan.push({ kind: KIND, clioId: id, label, action: 'skip', reason: link?.xeroId ? 'already deleted in Xero' : 'deleted in Clio before it reached Xero' });
    return [];
  }
  ctx.plan.push({ kind: KIND, clioId: id, label, action: 'delete', reason: 'deleted in Clio' });
  return [{ id, link }];
}

/** A hard cost claimed earlier with no Xero id is looked for by its Reference (`Clio hard cost <id>`) first. */
async function writeCreates(ctx: SyncContext, items: Write[]): Promise<void> {
  const suspects = items.filter((w) => w.link?.claimedAt);
  const found = suspects.length
    ? await findSpendTransactions(
        ctx.xero,
        suspects.map((w) => w.draft.reference),
      )
    : [];
  const fresh: Write[] = [];
  const adopted: Write[] = [];
  for (const w of items) {
    const match = w.link?.claimedAt ? found.find((t) => t.reference === w.draft.reference && t.type === ('SPEND' as unknown as BankTransaction['type'])) : undefined;
    if (match?.bankTransactionID) adopted.push({ ...w, link: { ...w.link!, xeroId: match.bankTransactionID } });
    else fresh.push(w);
  }
  // Found after an interrupted create: saved again with its id, so it holds exactly this version.
  for (const part of chunk(adopted)) {
    const results = await saveSpendTransactions(
      ctx.xero,
      part.map((w) => ({ draft: w.draft, contactId: w.contactId, bankTransactionId: w.link!.xeroId! })),
    );
    for (const [i, r] of results.entries()) await settle(ctx, part[i]!, r, 'create');
  }
  for (const part of chunk(fresh)) {
    await claimForCreate(
      ctx.db,
      ctx.firmId,
      KIND,
      part.map((w) => ({ clioId: String(w.cost.id), xeroNumber: w.draft.reference })),
    );
    const results = await saveSpendTransactions(
      ctx.xero,
      part.map((w) => ({ draft: w.draft, contactId: w.contactId })),
    );
    for (const [i, r] of results.entries()) await settle(ctx, part[i]!, r, 'create');
  }
}

async function settle(ctx: SyncContext, w: Write, r: ElementResult<BankTransaction>, action: 'create' | 'update'): Promise<void> {
  const id = String(w.cost.id);
  if (!r.ok) {
    await failed(ctx, KIND, id, r.failure, { dropClaim: action === 'create', xeroId: w.link?.xeroId ?? null });
    return;
  }
  await succeeded(ctx, KIND, {
    clioId: id,
    xeroId: r.record.bankTransactionID!,
    hash: w.hash,
    beforeHash: w.link?.lastPushedHash ?? null,
    snapshot: { status: String(r.record.status), totalCents: toCents(r.record.total ?? 0) },
    action,
    reason: action === 'create' ? 'hard cost in Clio' : 'changed in Clio',
    xeroNumber: w.draft.reference,
    clioEtag: w.cost.etag,
    // Clio keeps no tax figure on a hard cost: the tax is what Xero computed from the account's
    // default rate (no TaxAmount is ever sent on bank transactions), and the history says so.
    detail: {
      total: r.record.total,
      tax: r.record.totalTax ?? 0,
      taxBy: w.draft.lineAmountTypes === 'NoTax' ? 'no tax (untaxed in Clio)' : 'computed by Xero from the account’s default tax rate, tax inclusive',
      bankAccount: w.draft.bankAccountCode,
      account: w.draft.accountCode,
    },
  });
}
