import { Hono } from 'hono';
import { z } from 'zod';
import { CLIO_PATHS } from '../../clio/app-definition';
import { ClioOAuthError } from '../../clio/errors';
import { callbackUrl, completeInstall } from '../../clio/install';
import { authorizeUrl } from '../../clio/oauth';
import { consumeOAuthState, createOAuthState } from '../../clio/oauth-states';
import { handleDeauthorization } from '../../clio/uninstall';
import { CLIO_REGIONS, type ClioRegionCode } from '../../config';
import { offboardFirm } from '../../offboarding/uninstall';
import { clioIdLoose } from '../../validation/inputs';
import { ApiError } from '../errors';
import type { AppDeps, AppEnv } from '../env';
import { bindStateToBrowser, stateBoundToBrowser } from '../oauth-binding';
import { messagePage } from '../pages';
import { clientAddress, createRateLimiter, LIMITS } from '../rate-limit';
import { recordSecurityEvent } from '../../security/events';

const startQuery = z.object({ region: z.enum(CLIO_REGIONS).optional(), a2c: z.enum(['1', 'true']).optional() });
const callbackQuery = z.object({
  state: z.string().min(1).max(200),
  code: z.string().min(1).max(2000).optional(),
  error: z.string().max(200).optional(),
});
const deauthorizeBody = z.object({ client_id: z.string().min(1), user_id: clioIdLoose() });

/** Where a Clio callback that did not sign anyone in sends the browser; the page says what happened. */
const CALLBACK_RESULT_PATH = '/oauth/clio/result';
const CALLBACK_OUTCOMES = {
  link_invalid: {
    status: 400,
    title: 'This sign-in link is no longer valid',
    text: 'It has expired, was already used, or did not come from this add-on. Start the installation again from Clio.',
  },
  access_denied: {
    status: 200,
    title: 'Nothing was connected',
    text: 'You chose not to allow access in Clio, so nothing was installed. You can start again whenever you like.',
  },
  not_connected: {
    status: 400,
    title: 'Clio did not connect the add-on',
    text: 'Clio sent us back without permission to connect. Start the installation again from Clio.',
  },
  code_rejected: {
    status: 400,
    title: 'Clio did not accept this sign-in',
    text: 'The sign-in from Clio has expired or was already used. Start the installation again from Clio.',
  },
} as const;

/** Install through Clio OAuth, and Clio's deauthorization callback. */
export function clioOAuthRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const configured = CLIO_REGIONS.filter((r): r is ClioRegionCode => deps.config.clio[r] !== undefined);

  // Unauthenticated, and each start stores a state row: limited per client address.
  const startsPerAddress = createRateLimiter(LIMITS.clioStartPerAddress);

  app.get(CLIO_PATHS.start, async (c) => {
    if (!startsPerAddress.take(clientAddress(c, deps.config.TRUST_PROXY))) {
      c.header('Retry-After', '60');
      return messagePage(c, 429, 'Too many attempts', 'Wait a minute, then start the installation again from Clio.');
    }
    const q = startQuery.safeParse(c.req.query());
    const region = q.success ? (q.data.region ?? (configured.length === 1 ? configured[0] : undefined)) : undefined;
    if (!q.success || !region || !configured.includes(region)) {
      const offered = configured.map((r) => r.toUpperCase()).join(', ') || 'none';
      return messagePage(
        c,
        400,
        'Choose your Clio region',
        `This add-on can be installed from these Clio regions: ${offered}. Start again from the install link for your region.`,
      );
    }
    const state = await createOAuthState(deps.db, { region, addToClio: q.data.a2c !== undefined });
    bindStateToBrowser(c, 'clio', state, deps.config.PUBLIC_URL);
    return c.redirect(authorizeUrl(deps.config.clio[region]!, { redirectUri: callbackUrl(deps.config.PUBLIC_URL), state }), 302);
  });

  app.get(CLIO_PATHS.callback, async (c) => {
    // The query holds a one-time code: nothing of it is logged, and the success path only redirects.
    c.header('Referrer-Policy', 'no-referrer');
    const q = callbackQuery.safeParse(c.req.query());
    // Another browser's state (a leaked or planted callback URL) is refused before it is used up.
    const pending = q.success && stateBoundToBrowser(c, 'clio', q.data.state) ? await consumeOAuthState(deps.db, q.data.state) : undefined;
    // Every outcome is a redirect, as on Xero's side: the URL holding the code leaves the address bar and history.
    const outcome = (code: keyof typeof CALLBACK_OUTCOMES) => c.redirect(`${CALLBACK_RESULT_PATH}/${code}`, 302);
    if (!q.success || !pending) return outcome('link_invalid');
    if (q.data.error || !q.data.code) return outcome(q.data.error === 'access_denied' ? 'access_denied' : 'not_connected');
    try {
      const installed = await completeInstall(deps, { region: pending.region, code: q.data.code });
      await recordSecurityEvent(deps.db, {
        event: 'sign_in',
        firmId: installed.firmId,
        userId: installed.userId,
        actor: 'user',
        address: clientAddress(c, deps.config.TRUST_PROXY),
        detail: { via: pending.addToClio ? 'clio_add_to_clio' : 'clio_oauth', region: pending.region, isAdmin: installed.isAdmin },
      });
      if (pending.addToClio) return c.redirect(`${deps.config.clio[pending.region]!.baseUrl}/app_integrations_callback`, 302);
      const token = await deps.sessions.issue(installed);
      return c.redirect(`/app/#token=${encodeURIComponent(token)}`, 302);
    } catch (err) {
      if (!(err instanceof ClioOAuthError)) throw err;
      deps.logger.warn({ region: pending.region, oauthError: err.kind }, 'clio code exchange refused');
      return outcome('code_rejected');
    }
  });

  app.get(`${CALLBACK_RESULT_PATH}/:code`, (c) => {
    const found = CALLBACK_OUTCOMES[c.req.param('code') as keyof typeof CALLBACK_OUTCOMES];
    if (!found) return messagePage(c, 404, 'Nothing here', 'Start the installation again from Clio.');
    return messagePage(c, found.status, found.title, found.text);
  });

  app.post(CLIO_PATHS.deauthorize, async (c) => {
    const type = c.req.header('content-type') ?? '';
    const raw = type.includes('application/json') ? await c.req.json().catch(() => ({})) : await c.req.parseBody().catch(() => ({}));
    const body = deauthorizeBody.safeParse(raw);
    if (!body.success) throw new ApiError('BAD_REQUEST', 'Expected client_id and user_id.');
    if (!configured.some((r) => deps.config.clio[r]!.clientId === body.data.client_id)) {
      throw new ApiError('UNAUTHORIZED', 'Unknown client_id.');
    }
    const address = clientAddress(c, deps.config.TRUST_PROXY);
    try {
      const { removed, uninstalledFirmIds } = await handleDeauthorization(deps, { clientId: body.data.client_id, clioUserId: body.data.user_id });
      for (const r of removed) await recordSecurityEvent(deps.db, { event: 'clio_deauthorized', firmId: r.firmId, userId: r.userId, actor: 'clio', address });
      for (const firmId of uninstalledFirmIds) await offboardFirm(deps, firmId, { actor: 'clio', address });
    } catch (err) {
      // Only an installed user's callback gets far enough to fail; answering it with an error told
      // outsiders who is installed (issue 15). The operator reads it here instead.
      deps.logger.error({ err: { name: (err as Error).name, message: (err as Error).message } }, 'clio deauthorization failed');
    }
    // The same answer whether or not anything was removed: callers learn nothing about our users.
    return c.body(null, 204);
  });
  return app;
}
