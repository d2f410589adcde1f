import { Hono } from 'hono';
import { CLIO_PATHS } from '../../clio/app-definition';
import { customActionQuery, verifyCustomAction } from '../../clio/nonce';
import { getUser } from '../../firms/repository';
import { enqueueSyncRecords } from '../../jobs/enqueue';
import type { AppDeps, AppEnv } from '../env';
import { messagePage } from '../pages';

const REFUSALS = {
  malformed: 'This link is not a custom action from Clio. Open the record in Clio and choose the action again.',
  unknown_user: 'We do not know your Clio user yet. Ask your Clio administrator to install the add-on, or install it yourself, then try again.',
  nonce_rejected: 'Clio did not confirm this click: the link has expired, was already used, or belongs to someone else. Choose the action again in Clio.',
  not_connected: 'Your connection to Clio has ended. Install the add-on again from Clio, then try again.',
} as const;

/** Custom action clicks: verified with Clio at once, then queued, then the record's page. */
export function clioActionRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get(CLIO_PATHS.customActions, async (c) => {
    c.header('Referrer-Policy', 'no-referrer');
    const refuse = (why: keyof typeof REFUSALS) => messagePage(c, 403, 'This action could not be confirmed', REFUSALS[why]);
    const q = customActionQuery.safeParse(c.req.query());
    if (!q.success) return refuse('malformed');
    const verified = await verifyCustomAction(deps, q.data);
    if (!verified.ok) {
      deps.logger.info({ reason: verified.reason, customActionId: q.data.custom_action_id }, 'clio custom action refused');
      return refuse(verified.reason);
    }
    const { connection, action, recordId } = verified;
    const user = await getUser(deps.db, connection.firmId, connection.userId);
    if (!user) return refuse('unknown_user');
    await enqueueSyncRecords(deps.jobs, { firmId: connection.firmId, source: 'clio', kind: action.kind, ids: [recordId], reason: 'manual' });
    // The nonce proved who clicked, not whether they are still an admin: the first renewal asks Clio.
    const token = await deps.sessions.issue({ firmId: connection.firmId, userId: user.id, isAdmin: user.is_admin, adminCheckedAt: 0 });
    return c.redirect(`/app/records/${action.kind}/${recordId}#token=${encodeURIComponent(token)}`, 302);
  });
}
