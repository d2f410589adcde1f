import { Hono } from 'hono';
import type { Session } from '../../auth/session';
import { requireSession } from '../session';
import type { ClioClient } from '../../clio/client';
import { openClioForUser } from '../../clio/tokens';
import { loadClioBankAccounts, loadClioCategories } from '../../settings/clio-lookups';
import type { AppDeps, AppEnv } from '../env';

/** Clio's categories and bank accounts for the settings page, read with the signed-in user's own Clio token. */
export function clioApiRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const session = requireSession(deps.sessions);
  const fromClio = async <T>(s: Session, read: (clio: ClioClient) => Promise<T>): Promise<T> => read(await openClioForUser(deps, s.firmId, s.userId));

  app.get('/api/clio/categories', session, async (c) => c.json({ categories: await fromClio(c.get('session'), loadClioCategories) }));
  app.get('/api/clio/bank-accounts', session, async (c) => c.json({ bankAccounts: await fromClio(c.get('session'), loadClioBankAccounts) }));
  return app;
}
