import { Hono } from 'hono';
import { CLIO_PATHS } from '../../clio/app-definition';
import { customActionQuery, verifyCustomAction } from '../../clio/nonce';
import { getUser } from '../../firms/repository';
import { enqueueManualRecordSync } from '../../jobs/enqueue';
import type { AppDeps, AppEnv } from '../env';
import { messagePage } from '../pages';
import { clientAddress, createConcurrencyLimiter, createRateLimiter, LIMITS } from '../rate-limit';
import { recordSecurityEvent } from '../../security/events';

// One refusal for an unknown Clio user and a known user's bad nonce: the page must not tell a
// caller which Clio user ids are installed.
const NOT_CONFIRMED =
  'Clio did not confirm this click: the link has expired, was already used, or belongs to someone else, or the add-on is not installed for your Clio user. Choose the action again in Clio.';
const REFUSALS = {
  malformed: 'This link is not a custom action from Clio. Open the record in Clio and choose the action again.',
  unknown_user: NOT_CONFIRMED,
  nonce_rejected: NOT_CONFIRMED,
  not_connected: 'Your connection to Clio has ended. Install the add-on again from Clio, then try again.',
} as const;

/**
 * Custom action clicks: verified with Clio at once, then queued, then the record's page. The route
 * is unauthenticated and each check spends a Clio call on the named user's token, so clicks and
 * checks are limited per address, and checks at once per connection, before Clio is asked. A user's
 * own allowance is charged only once Clio has confirmed the click is theirs: anyone can name a
 * user, only that user holds the nonce.
 */
export function clioActionRoutes(deps: AppDeps) {
  const perAddress = createRateLimiter(LIMITS.customActionPerAddress);
  const checksPerAddress = createRateLimiter(LIMITS.customActionChecksPerAddress);
  const perUser = createRateLimiter(LIMITS.customActionPerUser);
  const inFlight = createConcurrencyLimiter(LIMITS.customActionInFlightPerConnection);

  return new Hono<AppEnv>().get(CLIO_PATHS.customActions, async (c) => {
    c.header('Referrer-Policy', 'no-referrer');
    const refuse = (why: keyof typeof REFUSALS) => messagePage(c, 403, 'This action could not be confirmed', REFUSALS[why]);
    const slowDown = () => {
      c.header('Retry-After', '60');
      return messagePage(c, 429, 'Too many clicks', 'Wait a minute, then choose the action again in Clio.');
    };
    const address = clientAddress(c, deps.config.TRUST_PROXY);
    if (!perAddress.take(address)) return slowDown();
    const q = customActionQuery.safeParse(c.req.query());
    if (!q.success) return refuse('malformed');
    if (!checksPerAddress.take(address)) return slowDown();
    const verified = await verifyCustomAction(deps, q.data, (connectionId) => inFlight.enter(connectionId));
    if (!verified.ok) {
      deps.logger.info({ reason: verified.reason, customActionId: q.data.custom_action_id }, 'clio custom action refused');
      return verified.reason === 'busy' ? slowDown() : refuse(verified.reason);
    }
    const { connection, action, recordId } = verified;
    if (!perUser.take(connection.userId)) return slowDown();
    const user = await getUser(deps.db, connection.firmId, connection.userId);
    if (!user) return refuse('unknown_user');
    await enqueueManualRecordSync(deps.jobs, { firmId: connection.firmId, kind: action.kind, id: recordId });
    await recordSecurityEvent(deps.db, { event: 'sign_in', firmId: connection.firmId, userId: user.id, actor: 'user', address, detail: { via: 'custom_action' } });
    // The nonce proved who clicked, not whether they are still an admin: the first renewal asks Clio.
    const token = await deps.sessions.issue({ firmId: connection.firmId, userId: user.id, isAdmin: user.is_admin, adminCheckedAt: 0 });
    return c.redirect(`/app/records/${action.kind}/${recordId}#token=${encodeURIComponent(token)}`, 302);
  });
}
