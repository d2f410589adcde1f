import type { Contact } from 'xero-node';
import { ClioApiError } from '../../clio/errors';
import { readContacts } from '../clio-reader';
import { patchContact } from '../clio-writer';
import type { SyncContext } from '../context';
import { getLinks, getLinksByXeroIds, type LinkRow } from '../links';
import type { ClioContact } from '../mapping/clio-records';
import { clioContactToXero, disambiguatedName } from '../mapping/contacts';
import { contentHash } from '../mapping/hash';
import { clioContactPatch, mergeShared, same, SHARED_FIELDS, xeroContactToShared } from '../mapping/xero-contacts';
import type { ContactDraft } from '../mapping/xero-drafts';
import { conflicted, failed, reconciled } from '../outcome';
import { readXeroContacts, xeroContactPagesSince } from '../xero-reader';
import { listXeroSinceCursor } from './xero-listing';
import { chunk, updateContactFields } from '../xero-writer';

const KIND = 'contact' as const;
/** A contact Clio changed again between our read and our write (412) is re-read and merged again, this often at most. */
const MAX_PRECONDITION_RETRIES = 3;

/** A contact created under a disambiguated name keeps that rule when its Clio name changes. */
function xeroNameFor(contact: ClioContact, link: LinkRow | undefined): string {
  return link?.snapshot?.name?.endsWith(` (Clio ${contact.id})`) ? disambiguatedName(contact.name, contact.id) : contact.name;
}

export const clioSide = (contact: ClioContact, link: LinkRow | undefined): ContactDraft => clioContactToXero(contact, xeroNameFor(contact, link));

export interface LinkedPair {
  link: LinkRow;
  clio: ClioContact;
  xero: Contact;
}

/**
 * Xero contacts that changed (a CONTACT webhook or the sweep). Contacts not linked to Clio stay in
 * Xero; a change carrying the content we last saw or wrote is our own echo and stops here, before
 * Clio is read.
 */
async function pullContacts(ctx: SyncContext, xero: Contact[]): Promise<void> {
  const links = await getLinksByXeroIds(
    ctx.db,
    ctx.firmId,
    KIND,
    xero.flatMap((x) => (x.contactID ? [x.contactID] : [])),
  );
  const changed: { link: LinkRow; xero: Contact }[] = [];
  for (const x of xero) {
    const link = x.contactID ? links.get(x.contactID.toLowerCase()) : undefined;
    if (!link) continue;
    const hash = contentHash(xeroContactToShared(x));
    const label = x.name ?? link.clioId;
    if (link.state === 'synced' && (hash === link.lastPulledHash || hash === link.lastPushedHash)) {
      ctx.plan.push({ kind: KIND, clioId: link.clioId, label, action: 'skip', reason: 'no change in Xero since the last sync' });
      continue;
    }
    ctx.plan.push({ kind: KIND, clioId: link.clioId, label, action: 'update', reason: 'edited in Xero' });
    changed.push({ link, xero: x });
  }
  if (changed.length === 0 || ctx.dryRun) return;
  const clio = new Map(
    (
      await readContacts(
        ctx.clio,
        changed.map((c) => c.link.clioId),
      )
    ).map((c) => [String(c.id), c]),
  );
  await reconcileContacts(
    ctx,
    changed.flatMap((c) => (clio.has(c.link.clioId) ? [{ ...c, clio: clio.get(c.link.clioId)! }] : [])),
    'xero',
  );
}

/**
 * Contacts named by Xero webhooks. A change Xero dates before our last write to that pair is one we
 * already hold — most often the echo of our own push — so it costs no read; were a bookkeeper's
 * edit to slip inside that moment (or a clock skew), the sweep's If-Modified-Since still finds it.
 */
export async function pullContactsById(ctx: SyncContext, xeroIds: string[], changedAt: Record<string, string> = {}): Promise<void> {
  const links = await getLinksByXeroIds(ctx.db, ctx.firmId, KIND, xeroIds);
  const news = xeroIds.filter((id) => !isEchoOfOurWrite(changedAt[id], links.get(id.toLowerCase())));
  if (news.length) await pullContacts(ctx, await readXeroContacts(ctx.xero, news));
}

/** Xero's webhook times sometimes come without a zone; they are UTC. */
const xeroEventTime = (at: string): number => Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(at) ? at : `${at}Z`);

/** A change Xero dates at or before our last write to the pair is one we already hold (most often our own write's echo). */
export const isEchoOfOurWrite = (changedAt: string | undefined, link: LinkRow | undefined): boolean =>
  Boolean(changedAt && link?.lastSyncedAt && xeroEventTime(changedAt) <= link.lastSyncedAt.getTime());

/** The sweep's safety net for lost CONTACT webhooks: every contact Xero changed since the cursor. */
export async function sweepXeroContacts(ctx: SyncContext): Promise<void> {
  await listXeroSinceCursor(
    ctx,
    'contacts',
    (since) => xeroContactPagesSince(ctx.xero, since),
    (page) => pullContacts(ctx, page),
  );
}

/**
 * Brings linked contacts to one version of the shared fields, whichever side woke us: a three-way
 * merge against what both sides last agreed on, per field. A field changed differently on both
 * sides holds the contact for an admin (keep Clio's / keep Xero's) — unless `keep` is that choice.
 * Clio is written with If-Match (a 412 re-reads and merges again), Xero in batches; each side's
 * hash of what it then holds is stored, so the webhook our write triggers is recognised as ours.
 */
export async function reconcileContacts(ctx: SyncContext, pairs: LinkedPair[], trigger: 'clio' | 'xero', keep?: 'clio' | 'xero'): Promise<void> {
  const toXero: { pair: LinkedPair; merged: ContactDraft; clio: ClioContact }[] = [];
  for (const pair of pairs) {
    let clio = pair.clio;
    for (let attempt = 0; ; attempt++) {
      const clioNow = clioSide(clio, pair.link);
      const xeroNow = xeroContactToShared(pair.xero);
      // Without a stored base (a pair linked before bases were kept), the side that changed wins.
      const base = pair.link.snapshot?.shared ?? (trigger === 'xero' ? clioNow : xeroNow);
      const { merged, conflicts } = mergeShared(base, clioNow, xeroNow, keep);
      if (conflicts.length) {
        await conflicted(ctx, KIND, {
          clioId: pair.link.clioId,
          xeroId: pair.link.xeroId,
          snapshot: { ...pair.link.snapshot, conflict: { fields: conflicts, at: new Date().toISOString() } },
          detail: `Changed on both sides: ${conflicts.map((c) => c.field).join(', ')}.`,
        });
        break;
      }
      const patch = clioContactPatch(clio, merged);
      if (patch) {
        try {
          clio = await patchContact(ctx.clio, clio.id, patch, clio.etag);
        } catch (err) {
          if (err instanceof ClioApiError && err.status === 412 && attempt < MAX_PRECONDITION_RETRIES) {
            clio = (await readContacts(ctx.clio, [clio.id]))[0] ?? clio;
            continue;
          }
          throw err;
        }
      }
      toXero.push({ pair, merged, clio });
      break;
    }
  }
  const written = toXero.filter((t) => contentHash(xeroContactToShared(t.pair.xero)) !== contentHash(t.merged));
  const xeroAfter = new Map<string, Contact>(toXero.map((t) => [t.pair.link.clioId, t.pair.xero]));
  for (const part of chunk(written)) {
    const results = await updateContactFields(
      ctx.xero,
      part.map((t) => ({ draft: t.merged, contactId: t.pair.link.xeroId!, fields: changedFields(xeroContactToShared(t.pair.xero), t.merged) })),
    );
    for (const [i, r] of results.entries()) {
      const t = part[i]!;
      if (r.ok) xeroAfter.set(t.pair.link.clioId, r.record);
      else {
        xeroAfter.delete(t.pair.link.clioId);
        await failed(ctx, KIND, t.pair.link.clioId, r.failure, { dropClaim: false, xeroId: t.pair.link.xeroId });
      }
    }
  }
  for (const { pair, merged, clio } of toXero) {
    const xero = xeroAfter.get(pair.link.clioId);
    if (!xero) continue;
    const clioHash = contentHash(clioSide(clio, pair.link));
    const xeroHash = contentHash(xeroContactToShared(xero));
    const wroteClio = clioHash !== contentHash(clioSide(pair.clio, pair.link));
    const wroteXero = written.some((w) => w.pair === pair);
    await reconciled(ctx, KIND, {
      link: {
        clioId: pair.link.clioId,
        clioHash,
        xeroHash,
        snapshot: { ...pair.link.snapshot, name: merged.name, shared: merged, conflict: undefined },
        clioEtag: clio.etag ?? null,
      },
      log:
        wroteClio || wroteXero
          ? {
              xeroId: pair.link.xeroId,
              action: 'update',
              reason: keep ? `conflict resolved: kept ${keep === 'clio' ? 'Clio' : 'Xero'}’s version` : trigger === 'xero' ? 'edited in Xero' : 'edited in Clio',
              beforeHash: pair.link.lastPushedHash,
              afterHash: clioHash,
              direction: wroteClio ? 'xero_to_clio' : 'clio_to_xero',
              detail: { wroteClio, wroteXero },
            }
          : null,
    });
  }
}

const changedFields = (from: ContactDraft, to: ContactDraft) => SHARED_FIELDS.filter((f) => !same(from[f], to[f]));

/** An admin's choice for a contact in conflict: both sides are read again and merged with that side winning. */
export async function resolveContactConflict(ctx: SyncContext, clioId: string, keep: 'clio' | 'xero'): Promise<boolean> {
  const link = (await getLinks(ctx.db, ctx.firmId, KIND, [clioId])).get(clioId);
  if (!link || link.state !== 'conflict' || !link.xeroId) return false;
  const [clio] = await readContacts(ctx.clio, [clioId]);
  const [xero] = await readXeroContacts(ctx.xero, [link.xeroId]);
  if (!clio || !xero) return false;
  await reconcileContacts(ctx, [{ link, clio, xero }], keep, keep);
  return true;
}
