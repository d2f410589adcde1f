import { Hono } from 'hono';
import { z } from 'zod';
import { requireAdmin, requireSession } from '../session';
import { listOpenReviews, resolveReview, type ReviewResolution } from '../../contacts/repository';
import { enqueueSyncFirm } from '../../jobs/enqueue';
import { ApiError } from '../errors';
import type { AppDeps, AppEnv } from '../env';

const reviewId = z.string().regex(/^\d{1,18}$/);

const resolution = z.union([z.strictObject({ xeroContactId: z.string().min(1).max(100) }), z.strictObject({ createNew: z.literal(true) })]);

/** Contacts that matching on connect would not guess: listed for the firm's admin, who settles each one. */
export function contactMatchApiRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const session = requireSession(deps.sessions);

  app.get('/api/contacts/match-reviews', session, requireAdmin, async (c) => {
    return c.json({ reviews: await listOpenReviews(deps.db, c.get('session').firmId) });
  });

  app.post('/api/contacts/match-reviews/:id', session, requireAdmin, async (c) => {
    const id = reviewId.safeParse(c.req.param('id'));
    if (!id.success) throw new ApiError('NOT_FOUND', 'No such contact review.');
    const body = resolution.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) throw new ApiError('BAD_REQUEST', 'Send {"xeroContactId": "…"} to link a Xero contact, or {"createNew": true}.');
    const choice: ReviewResolution = 'createNew' in body.data ? { kind: 'create_new' } : { kind: 'link', xeroContactId: body.data.xeroContactId };
    const { firmId, userId } = c.get('session');
    const outcome = await resolveReview(deps.db, firmId, id.data, userId, choice);
    if (outcome === 'not_found') throw new ApiError('NOT_FOUND', 'No such contact review, or it was already settled.');
    if (outcome === 'not_a_candidate') throw new ApiError('UNPROCESSABLE_ENTITY', 'That Xero contact is not one of the candidates for this client.');
    if (outcome === 'xero_taken')
      throw new ApiError('CONFLICT', 'That Xero contact is already linked to another Clio client. Link another one, or create a new contact in Xero.');
    if (outcome === 'clio_taken') throw new ApiError('CONFLICT', 'This Clio client is already in Xero under another contact: there is nothing left to settle.');
    // Bills of that client waited for this decision: sync now rather than at the next sweep.
    await enqueueSyncFirm(deps.jobs, { firmId, reason: 'manual' });
    return c.json({ resolved: true });
  });
  return app;
}
