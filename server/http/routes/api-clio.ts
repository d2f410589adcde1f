import { Hono } from 'hono';
import type { Session } from '../../auth/session';
import { requireSession } from '../session';
import type { ClioClient } from '../../clio/client';
import { ClioApiError, ClioNotConnectedError } from '../../clio/errors';
import { openClioForUser } from '../../clio/tokens';
import { loadClioBankAccounts, loadClioCategories } from '../../settings/clio-lookups';
import { ApiError } from '../errors';
import type { AppDeps, AppEnv } from '../env';

/** Clio's categories and bank accounts for the settings page, read with the signed-in user's own Clio token. */
export function clioApiRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const session = requireSession(deps.sessions);
  const fromClio = async <T>(s: Session, read: (clio: ClioClient) => Promise<T>): Promise<T> => {
    try {
      return await read(await openClioForUser(deps, s.firmId, s.userId));
    } catch (err) {
      if (err instanceof ClioNotConnectedError) throw new ApiError('CONFLICT', 'Sign in with Clio again to load your Clio lists.');
      if (err instanceof ClioApiError) throw new ApiError('BAD_GATEWAY', `Clio did not answer as expected: ${err.message}`);
      throw err;
    }
  };

  app.get('/api/clio/categories', session, async (c) => c.json({ categories: await fromClio(c.get('session'), loadClioCategories) }));
  app.get('/api/clio/bank-accounts', session, async (c) =>
    c.json({ bankAccounts: await fromClio(c.get('session'), loadClioBankAccounts) }),
  );
  return app;
}
