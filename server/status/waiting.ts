import type { WaitEnd, WaitingRecord } from '../api-contract';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { LinkKind } from '../domain/kinds';
import { getLinks, listWaiting } from '../sync/links';
import { recordLinker } from './service';

/**
 * The Status tab's "Waiting" counts, opened: each record that waits, why, and what ends the wait
 * (with a link to where that is done). A wait is never a failure — it ends by itself once what it
 * waits for happens — so the words say what that is and where to make it happen.
 */

const LISTED = 200;

/** The parent a wait is about, as far as the waiting record's link names it. */
export interface WaitParent {
  kind: 'bill';
  clioId: string;
  xeroUrl: string | null;
  clioUrl: string | null;
}

/**
 * A waiting reason (the words the sync flows store) → what ends it. Pure. The reasons come from
 * server/sync/flows; test/status/waiting.test.ts holds each of them to a specific answer.
 */
export function whatEndsTheWait(reason: string, parent: WaitParent | undefined): WaitEnd {
  if (/approved in Xero/i.test(reason))
    return { text: 'Approve the invoice in Xero (Awaiting Payment); the payment or credit note follows at the next sync.', url: parent?.xeroUrl ?? null };
  if (/review its match|Contacts to review/i.test(reason))
    return { text: 'Settle the contact review: link the client to a Xero contact, or create a new one.', url: '/app/settings#contact-reviews-title' };
  if (/client to reach Xero|vendor to reach Xero|contact.*(reach|in) Xero/i.test(reason))
    return { text: 'Ends when the contact reaches Xero: see the contact’s own status (a failure there says what to fix).', url: null };
  if (/bill|invoice/i.test(reason)) return { text: 'Ends when its bill reaches Xero: see the bill’s own status.', url: parent?.clioUrl ?? null };
  return { text: 'Ends by itself at the next sync.', url: null };
}

/** Which parent kind a waiting record's parent_clio_id names, per kind (payments and credits wait on their bill). */
const PARENT_KIND: Partial<Record<LinkKind, 'bill'>> = { payment_allocation: 'bill', credit_memo: 'bill' };

export async function waitingRecords(
  deps: { config: Config; db: Database },
  firmId: string,
  kind: LinkKind,
): Promise<{ kind: LinkKind; total: number; records: WaitingRecord[] }> {
  const [{ total, records }, linker] = await Promise.all([listWaiting(deps.db, firmId, kind, LISTED), recordLinker(deps, firmId)]);
  const parentKind = PARENT_KIND[kind];
  const parentIds = records.flatMap((r) => (r.parentClioId ? [r.parentClioId] : []));
  const parents = parentKind ? await getLinks(deps.db, firmId, parentKind, parentIds) : new Map();
  return {
    kind,
    total,
    records: records.map((r) => {
      const parentLink = r.parentClioId ? parents.get(r.parentClioId) : undefined;
      const parent: WaitParent | undefined =
        parentKind && r.parentClioId
          ? {
              kind: parentKind,
              clioId: r.parentClioId,
              xeroUrl: linker.xeroUrl(parentKind, parentLink?.xeroId ?? null),
              clioUrl: linker.clioUrl(parentKind, r.parentClioId),
            }
          : undefined;
      const reason = r.reason ?? 'waits for the next sync';
      return { clioId: r.clioId, clioUrl: linker.clioUrl(kind, r.clioId), reason, since: r.since, ends: whatEndsTheWait(reason, parent) };
    }),
  };
}
