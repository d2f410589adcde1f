import { Hono } from 'hono';
import { z } from 'zod';
import { liveSession, requireAdmin, requireSession } from '../session';
import {
  authorizeUrlFor,
  callbackPath,
  confirmOrganisation,
  connectionStatus,
  disconnect,
  handleCallback,
  pendingOrganisations,
  startConnect,
  startPath,
} from '../../xero/connect-service';
import { bindStateToBrowser, stateBoundToBrowser } from '../oauth-binding';
import { clientAddress } from '../rate-limit';
import { recordSecurityEvent } from '../../security/events';
import { ApiError } from '../errors';
import type { AppDeps, AppEnv } from '../env';
import { xeroWebhookRoutes } from './webhooks-xero';

const CHOOSE_PAGE = '/app/settings/xero-organisation';
const SETTINGS_PAGE = '/app/settings';

const confirmBody = z.object({ tenantId: z.string().min(1).max(100) });

/** Connect, choose the organisation, status, disconnect; plus Xero's callback and webhook. */
export function xeroRoutes(deps: AppDeps) {
  const api = new Hono<AppEnv>()
    .use(requireSession(deps.sessions))
    .post('/connect', requireAdmin, async (c) => c.json({ authorizeUrl: await startConnect(deps, c.get('session')) }))
    .get('/organisations/pending', requireAdmin, async (c) => c.json({ organisations: await pendingOrganisations(deps.db, c.get('session')) }))
    .post('/organisation', requireAdmin, async (c) => {
      const parsed = confirmBody.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) throw new ApiError('BAD_REQUEST', 'Send {"tenantId": "<one of the pending organisations>"}.');
      const { firmId, userId } = c.get('session');
      const chosen = await confirmOrganisation(deps, c.get('session'), parsed.data.tenantId);
      if (!chosen) throw new ApiError('NOT_FOUND', 'That organisation is not one of those waiting to be chosen. Connect to Xero again.');
      await recordSecurityEvent(deps.db, {
        event: 'xero_connected',
        firmId,
        userId,
        actor: 'user',
        address: clientAddress(c, deps.config.TRUST_PROXY),
        detail: { tenantId: chosen.tenantId, tenantName: chosen.tenantName },
      });
      return c.json({ status: 'active', ...chosen });
    })
    .get('/connection', async (c) => c.json(await connectionStatus(deps.db, c.get('session').firmId)))
    .delete('/connection', requireAdmin, async (c) => {
      const { firmId, userId } = c.get('session');
      const { removedAtXero } = await disconnect(deps, firmId);
      await recordSecurityEvent(deps.db, {
        event: 'xero_disconnected',
        firmId,
        userId,
        actor: 'user',
        address: clientAddress(c, deps.config.TRUST_PROXY),
        detail: { removedAtXero },
      });
      return c.json(await connectionStatus(deps.db, c.get('session').firmId));
    });

  return (
    new Hono<AppEnv>()
      .route('/', xeroWebhookRoutes(deps))
      .route('/api/xero', api)
      // The start link alone is worth nothing (issue 15, attack 1): the page submits it as a form
      // carrying the session that asked for it, so a leaked link opened anywhere else stops here,
      // before Xero, and the firm's live connection is never touched.
      .get(startPath, (c) => {
        c.header('Referrer-Policy', 'no-referrer');
        return c.redirect(`${SETTINGS_PAGE}?xero_error=state_unknown`, 302);
      })
      .post(startPath, async (c) => {
        c.header('Referrer-Policy', 'no-referrer');
        c.header('Cache-Control', 'no-store');
        const state = c.req.query('state') ?? '';
        const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
        const session = typeof form.token === 'string' ? await liveSession(deps, form.token) : undefined;
        const target = session && state.length > 0 && state.length <= 200 ? await authorizeUrlFor(deps, state, session) : { refused: 'state_unknown' as const };
        if ('refused' in target) return c.redirect(`${SETTINGS_PAGE}?xero_error=${target.refused}`, 302);
        bindStateToBrowser(c, 'xero', state, deps.config.PUBLIC_URL);
        return c.redirect(target.url, 302);
      })
      .get(callbackPath, async (c) => {
        const query = c.req.query();
        // A callback from a browser that did not open the start link (a leaked authorize URL, or one
        // sent to a victim) is refused and its state left alone.
        const bound = query.state !== undefined && stateBoundToBrowser(c, 'xero', query.state);
        const outcome = bound ? await handleCallback(deps, query) : ({ kind: 'error', code: 'state_unknown' } as const);
        const target = outcome.kind === 'choose' ? CHOOSE_PAGE : `${SETTINGS_PAGE}?xero_error=${outcome.code}`;
        c.header('Referrer-Policy', 'no-referrer');
        c.header('Cache-Control', 'no-store');
        return c.redirect(target, 302);
      })
  );
}
