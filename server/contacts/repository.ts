import { sql } from 'kysely';
import type { Database } from '../db/database';
import { contactLinkPairs, insertContactLink } from '../sync/links';
import type { AlreadyLinked, ContactReviewPlan } from '../sync/mapping/contact-matching';
import type { MatchCandidate } from '../api-contract';
import type { ContactMatchReview } from '../api-contract';

/**
 * Clio contacts that are settled (linked, or reviewed by an admin) and Xero contacts already
 * linked: matching leaves the first alone and must not hand the second to anyone else.
 */
export async function settledContacts(db: Database, firmId: string): Promise<AlreadyLinked> {
  const [links, resolved] = await Promise.all([
    contactLinkPairs(db, firmId),
    db.selectFrom('contact_match_reviews').select('clio_contact_id').where('firm_id', '=', firmId).where('resolved_at', 'is not', null).execute(),
  ]);
  return {
    clioIds: new Set([...links.flatMap((l) => (l.clioId ? [l.clioId] : [])), ...resolved.map((r) => r.clio_contact_id)]),
    xeroIds: new Set(links.flatMap((l) => (l.xeroId ? [l.xeroId] : []))),
  };
}

/**
 * Makes the open reviews exactly `reviews`: new doubts are added, known ones refreshed with what
 * both sides hold now, and doubts that have gone away (the client got linked, say) are dropped.
 */
export async function replaceOpenReviews(db: Database, firmId: string, reviews: ContactReviewPlan[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const keep = reviews.map((r) => r.clioContactId);
    await trx
      .deleteFrom('contact_match_reviews')
      .where('firm_id', '=', firmId)
      .where('resolved_at', 'is', null)
      .$if(keep.length > 0, (q) => q.where('clio_contact_id', 'not in', keep))
      .execute();
    for (const r of reviews) {
      const fields = { clio_name: r.clioName, clio_email: r.clioEmail, candidates: JSON.stringify(r.candidates), reason: r.reason };
      await trx
        .insertInto('contact_match_reviews')
        .values({ firm_id: firmId, clio_contact_id: r.clioContactId, ...fields })
        .onConflict((oc) =>
          oc
            .columns(['firm_id', 'clio_contact_id'])
            .where('resolved_at', 'is', null)
            .doUpdateSet({ ...fields, updated_at: sql`now()` }),
        )
        .execute();
    }
  });
}

export async function listOpenReviews(db: Database, firmId: string): Promise<ContactMatchReview[]> {
  const rows = await db
    .selectFrom('contact_match_reviews')
    .select(['id', 'clio_contact_id', 'clio_name', 'clio_email', 'candidates', 'reason', 'created_at'])
    .where('firm_id', '=', firmId)
    .where('resolved_at', 'is', null)
    .orderBy('clio_name')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    clioContactId: r.clio_contact_id,
    clioName: r.clio_name,
    clioEmail: r.clio_email,
    candidates: r.candidates as MatchCandidate[],
    reason: r.reason,
    createdAt: r.created_at.toISOString(),
  }));
}

export type ReviewResolution = { kind: 'link'; xeroContactId: string } | { kind: 'create_new' };

export type ResolveOutcome = 'resolved' | 'not_found' | 'not_a_candidate' | 'xero_taken' | 'clio_taken';

/**
 * Settles one open review of the firm. Linking writes the link in the same transaction, and only
 * to a Xero contact the review offered; the row lock keeps two admins from settling it twice.
 */
export async function resolveReview(db: Database, firmId: string, reviewId: string, userId: string, choice: ReviewResolution): Promise<ResolveOutcome> {
  return db.transaction().execute(async (trx) => {
    const review = await trx
      .selectFrom('contact_match_reviews')
      .select(['clio_contact_id', 'candidates'])
      .where('id', '=', reviewId)
      .where('firm_id', '=', firmId)
      .where('resolved_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    if (!review) return 'not_found';
    if (choice.kind === 'link') {
      const offered = (review.candidates as MatchCandidate[]).some((c) => c.xeroContactId === choice.xeroContactId);
      if (!offered) return 'not_a_candidate';
      const written = await insertContactLink(trx, firmId, { clioId: review.clio_contact_id, xeroId: choice.xeroContactId });
      if (written !== 'linked') return written;
    }
    await trx
      .updateTable('contact_match_reviews')
      .set({
        resolved_at: sql`now()`,
        resolution: choice.kind === 'link' ? 'linked' : 'create_new',
        resolved_xero_contact_id: choice.kind === 'link' ? choice.xeroContactId : null,
        resolved_by: userId,
        updated_at: sql`now()`,
      })
      .where('id', '=', reviewId)
      .execute();
    return 'resolved';
  });
}

/** Clio contacts among `clioIds` whose match is still waiting for an admin: creating them could duplicate a client. */
export async function contactsAwaitingReview(db: Database, firmId: string, clioIds: string[]): Promise<Set<string>> {
  if (clioIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('contact_match_reviews')
    .select('clio_contact_id')
    .where('firm_id', '=', firmId)
    .where('resolved_at', 'is', null)
    .where('clio_contact_id', 'in', clioIds)
    .execute();
  return new Set(rows.map((r) => r.clio_contact_id));
}
