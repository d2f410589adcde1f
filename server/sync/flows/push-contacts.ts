import type { Contact } from 'xero-node';
import { contactsAwaitingReview } from '../../contacts/repository';
import type { SyncContext } from '../context';
import { readContacts } from '../clio-reader';
import { claimForCreate, getLinks, linkedXeroIds, type LinkRow } from '../links';
import { clioContactToXero, contactNumberFor, disambiguatedName } from '../mapping/contacts';
import type { ClioContact } from '../mapping/clio-records';
import { contentHash } from '../mapping/hash';
import type { ContactDraft } from '../mapping/xero-drafts';
import { planPush } from '../plan';
import { failed, succeeded, waiting } from '../outcome';
import { readXeroContacts } from '../xero-reader';
import { chunk, createContacts, findContacts } from '../xero-writer';
import { clioSide, reconcileContacts } from './pull-contacts';

const KIND = 'contact' as const;

/**
 * Clio contacts → Xero contacts. Linked contacts get their edits (only the fields both sides
 * have); with `create`, unlinked ones (a bill's client) are found in Xero or created. Returns the
 * Xero id of every contact among `clioIds` that is usable now.
 */
export async function pushContacts(
  ctx: SyncContext,
  clioIds: string[],
  opts: { create: boolean; refreshLinked: boolean; read?: ClioContact[] },
): Promise<Map<string, string>> {
  const ids = [...new Set(clioIds)];
  const links = await getLinks(ctx.db, ctx.firmId, KIND, ids);
  const usable = new Map<string, string>();
  const toRead = ids.filter((id) => {
    const link = links.get(id);
    if (link?.xeroId && !opts.refreshLinked) {
      usable.set(id, link.xeroId);
      return false;
    }
    return Boolean(link?.xeroId) || opts.create;
  });
  if (toRead.length === 0) return usable;
  const known = new Map([...(ctx.clioContacts ?? []), ...(opts.read ?? []).map((c) => [String(c.id), c] as const)]);
  const missing = toRead.filter((id) => !known.has(id));
  const contacts = [...toRead.flatMap((id) => known.get(id) ?? []), ...(missing.length ? await readContacts(ctx.clio, missing) : [])];
  const linked = contacts.filter((c) => links.get(String(c.id))?.xeroId);
  const unlinked = contacts.filter((c) => !links.get(String(c.id))?.xeroId);
  for (const c of linked) usable.set(String(c.id), links.get(String(c.id))!.xeroId!);
  await updateLinked(ctx, linked, links);
  if (opts.create && unlinked.length) for (const [id, xeroId] of await createMissing(ctx, unlinked, links)) usable.set(id, xeroId);
  return usable;
}

async function updateLinked(ctx: SyncContext, contacts: ClioContact[], links: Map<string, LinkRow>): Promise<void> {
  const changed: { contact: ClioContact; link: LinkRow }[] = [];
  for (const contact of contacts) {
    const link = links.get(String(contact.id))!;
    const draft = clioSide(contact, link);
    const hash = contentHash(draft);
    const item = planPush(KIND, String(contact.id), contact.name, link, { ok: true, value: draft }, hash);
    // A pair linked by matching on connect was never pushed: its current state is the baseline, and
    // only later Clio edits go to Xero, so the bookkeeper's details of a matched contact stay.
    if (item.action === 'update' && !link.lastPushedHash) {
      ctx.plan.push({ ...item, action: 'skip', reason: 'linked on connect: this is the baseline' });
      if (!ctx.dryRun)
        await succeeded(ctx, KIND, {
          clioId: String(contact.id),
          xeroId: link.xeroId!,
          hash,
          snapshot: { name: draft.name, shared: draft },
          action: 'link',
          reason: 'baseline of a contact matched on connect',
        });
      continue;
    }
    ctx.plan.push(item);
    if (item.action === 'update') changed.push({ contact, link });
  }
  if (ctx.dryRun || changed.length === 0) return;
  // The Xero side is read before writing: a field the bookkeeper changed meanwhile is merged, or
  // held as a conflict, never overwritten (flows/pull-contacts.ts).
  const xero = new Map(
    (
      await readXeroContacts(
        ctx.xero,
        changed.map((c) => c.link.xeroId!),
      )
    ).map((x) => [x.contactID!.toLowerCase(), x]),
  );
  const pairs = changed.flatMap(({ contact, link }) => {
    const x = xero.get(link.xeroId!.toLowerCase());
    return x ? [{ link, clio: contact, xero: x }] : [];
  });
  await reconcileContacts(ctx, pairs, 'clio');
}

const sameEmail = (a: string | undefined, b: string | undefined) => Boolean(a && b && a.trim().toLowerCase() === b.trim().toLowerCase());

/**
 * Finds or creates contacts for Clio clients not yet in Xero. First what an earlier, interrupted
 * attempt may have created (by ContactNumber); then an unlinked active namesake with the same email
 * (the same client); a namesake that is someone else makes the newcomer's name unique instead.
 */
async function createMissing(ctx: SyncContext, contacts: ClioContact[], links: Map<string, LinkRow>): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const reviews = await contactsAwaitingReview(
    ctx.db,
    ctx.firmId,
    contacts.map((c) => String(c.id)),
  );
  const candidates = contacts.filter((c) => {
    if (!reviews.has(String(c.id))) return true;
    ctx.plan.push({
      kind: KIND,
      clioId: String(c.id),
      label: c.name,
      action: 'wait',
      reason: 'waits for an admin to review its match (Contacts to review, in the settings)',
    });
    return false;
  });
  if (ctx.dryRun) {
    for (const c of candidates)
      ctx.plan.push({ kind: KIND, clioId: String(c.id), label: c.name, action: 'create', reason: 'client of a bill that syncs; looked up in Xero first' });
    return found;
  }
  for (const c of contacts) if (reviews.has(String(c.id))) await waiting(ctx, KIND, String(c.id), 'waits for an admin to review its match (Contacts to review)');
  if (candidates.length === 0) return found;

  const existing = await xeroCandidates(ctx, candidates);
  const taken = await linkedXeroIds(
    ctx.db,
    ctx.firmId,
    KIND,
    existing.flatMap((x) => (x.contactID ? [x.contactID] : [])),
  );
  const toCreate: { contact: ClioContact; draft: ContactDraft; hash: string }[] = [];
  for (const contact of candidates) {
    const id = String(contact.id);
    const byNumber = existing.find((x) => x.contactNumber === contactNumberFor(contact.id) && !taken.has(x.contactID!));
    const draftPlain = clioContactToXero(contact);
    const namesakes = existing.filter(
      (x) => x.name?.toLowerCase() === contact.name.trim().toLowerCase() && x.contactStatus === ('ACTIVE' as unknown as Contact['contactStatus']),
    );
    const same = namesakes.find((x) => !taken.has(x.contactID!) && sameEmail(x.emailAddress, draftPlain.emailAddress));
    const adopt = byNumber ?? same;
    if (adopt?.contactID) {
      taken.add(adopt.contactID);
      const draft = clioContactToXero(contact, adopt.name ?? contact.name);
      ctx.plan.push({
        kind: KIND,
        clioId: id,
        label: contact.name,
        action: 'skip',
        reason: byNumber ? 'found in Xero by its contact number' : 'an unlinked Xero contact has the same name and email',
      });
      await succeeded(ctx, KIND, {
        clioId: id,
        xeroId: adopt.contactID,
        hash: contentHash(draft),
        snapshot: { name: draft.name },
        action: 'link',
        reason: byNumber ? 'found by contact number after an interrupted create' : 'same name and email in Xero',
      });
      found.set(id, adopt.contactID);
      continue;
    }
    const draft = namesakes.length ? clioContactToXero(contact, disambiguatedName(contact.name, contact.id)) : draftPlain;
    ctx.plan.push({
      kind: KIND,
      clioId: id,
      label: contact.name,
      action: 'create',
      reason: namesakes.length ? `another Xero contact is named "${contact.name}": created as "${draft.name}"` : 'not in Xero yet',
    });
    toCreate.push({ contact, draft, hash: contentHash(draft) });
  }
  await createBatch(ctx, toCreate, links, found, true);
  return found;
}

/** Below this many clients to find, per-name look-ups are cheaper than reading every contact. */
const LOOKUP_LIMIT = 12;
const PAGE_SIZE = 1000;

/** Xero contacts that could be these Clio clients: by their ContactNumber or their name. */
async function xeroCandidates(ctx: SyncContext, contacts: ClioContact[]): Promise<Contact[]> {
  if (!ctx.xeroContacts && contacts.length <= LOOKUP_LIMIT) {
    return findContacts(ctx.xero, { numbers: contacts.map((c) => contactNumberFor(c.id)), names: contacts.map((c) => c.name) });
  }
  if (!ctx.xeroContacts) {
    const all: Contact[] = [];
    for (let page = 1; ; page++) {
      const batch = await ctx.xero.getContacts({ page, pageSize: PAGE_SIZE, includeArchived: true });
      all.push(...batch);
      if (batch.length < PAGE_SIZE) break;
    }
    ctx.xeroContacts = all;
  }
  const numbers = new Set(contacts.map((c) => contactNumberFor(c.id)));
  const names = new Set(contacts.map((c) => c.name.trim().toLowerCase()));
  return ctx.xeroContacts.filter((x) => (x.contactNumber && numbers.has(x.contactNumber)) || (x.name && names.has(x.name.trim().toLowerCase())));
}

async function createBatch(
  ctx: SyncContext,
  items: { contact: ClioContact; draft: ContactDraft; hash: string }[],
  links: Map<string, LinkRow>,
  found: Map<string, string>,
  retryNameClash: boolean,
): Promise<void> {
  const clashes: typeof items = [];
  for (const part of chunk(items)) {
    await claimForCreate(
      ctx.db,
      ctx.firmId,
      KIND,
      part.map((i) => ({ clioId: String(i.contact.id), xeroNumber: contactNumberFor(i.contact.id) })),
    );
    const results = await createContacts(
      ctx.xero,
      part.map((i) => ({ draft: i.draft, contactNumber: contactNumberFor(i.contact.id) })),
    );
    for (const [n, r] of results.entries()) {
      const { contact, draft, hash } = part[n]!;
      const id = String(contact.id);
      if (r.ok) {
        await succeeded(ctx, KIND, {
          clioId: id,
          xeroId: r.record.contactID!,
          hash,
          snapshot: { name: draft.name, shared: draft },
          action: 'create',
          reason: 'client of a bill that syncs',
          xeroNumber: contactNumberFor(contact.id),
        });
        found.set(id, r.record.contactID!);
      } else if (r.failure.code === 'XERO_CONTACT_NAME_TAKEN' && retryNameClash) {
        // Someone took the name between our look-up and the create: the newcomer gets a unique name.
        const unique = clioContactToXero(contact, disambiguatedName(contact.name, contact.id));
        clashes.push({ contact, draft: unique, hash: contentHash(unique) });
      } else {
        await failed(ctx, KIND, id, r.failure, { dropClaim: true });
      }
    }
  }
  if (clashes.length) await createBatch(ctx, clashes, links, found, false);
}
