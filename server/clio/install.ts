import { z } from 'zod';
import type { ClioRegionCode } from '../config';
import { upsertFirm, upsertUser } from '../firms/repository';
import { CLIO_PATHS } from './app-definition';
import { ClioClient } from './client';
import { firmClioConnection, saveClioConnection } from './connections-repository';
import { registerCustomActions } from './custom-actions';
import type { ClioDeps } from './deps';
import { ClioNotConnectedError } from './errors';
import { exchangeCode } from './oauth';
import { clientForConnection } from './tokens';
import { ensureFirmWebhooks } from './webhooks';

const whoAmI = z.object({
  id: z.coerce.string(),
  name: z.string(),
  email: z.string().nullable().optional(),
  account_owner: z.boolean().optional(),
  roles: z.array(z.string()).optional(),
  account: z.object({ id: z.coerce.string(), name: z.string() }),
});

export const WHO_AM_I_FIELDS = 'id,name,email,account_owner,roles,account{id,name}';

/** Clio has no single admin flag: the account owner, or a user holding an administrator role. */
export function isClioAdmin(user: { account_owner?: boolean; roles?: string[] }): boolean {
  return user.account_owner === true || (user.roles ?? []).some((r) => /^admin(istrator)?$/i.test(r));
}

export const callbackUrl = (publicUrl: string) => `${publicUrl}${CLIO_PATHS.callback}`;

export interface InstallResult {
  firmId: string;
  userId: string;
  isAdmin: boolean;
}

/**
 * Finishes a Clio install: code → tokens → who is this → firm, user, sealed tokens → this user's
 * custom actions and (once per firm) the firm's webhooks. Reinstalling repeats it harmlessly.
 * Custom actions and webhooks are best effort: a failure there is logged and retried by the
 * renewal job, and never costs the user the install itself.
 */
export async function completeInstall(deps: ClioDeps, p: { region: ClioRegionCode; code: string }): Promise<InstallResult> {
  const app = deps.config.clio[p.region];
  if (!app) throw new ClioNotConnectedError(`the Clio ${p.region.toUpperCase()} app is not configured`);
  const tokens = await exchangeCode(app, p.code, callbackUrl(deps.config.PUBLIC_URL));
  const once = new ClioClient({
    baseUrl: app.baseUrl,
    tokens: {
      key: `install:${p.region}`,
      accessToken: async () => tokens.access_token,
      renew: async () => {
        throw new ClioNotConnectedError('Clio rejected a token it has just issued');
      },
    },
  });
  const me = whoAmI.parse(await once.get('/users/who_am_i.json', { fields: WHO_AM_I_FIELDS }));
  const firm = await upsertFirm(deps.db, { clioAccountId: me.account.id, region: p.region, name: me.account.name });
  const isAdmin = isClioAdmin(me);
  const user = await upsertUser(deps.db, { firmId: firm.id, clioUserId: me.id, name: me.name, email: me.email ?? null, isAdmin });
  const connection = await saveClioConnection(deps.db, deps.secrets, { firmId: firm.id, userId: user.id, region: p.region, tokens });
  deps.logger.info({ firmId: firm.id, userId: user.id, region: p.region, isAdmin }, 'clio install completed');

  try {
    const actions = await registerCustomActions(clientForConnection(deps, connection), deps.config.PUBLIC_URL);
    // Webhooks fire only for records their creator can see: an admin's token is preferred.
    const webhooks = await ensureFirmWebhooks(deps, (await firmClioConnection(deps.db, firm.id)) ?? connection);
    deps.logger.info({ firmId: firm.id, userId: user.id, ...actions, webhooksCreated: webhooks }, 'clio custom actions and webhooks ready');
  } catch (err) {
    deps.logger.warn({ firmId: firm.id, userId: user.id, err: { name: (err as Error).name, message: (err as Error).message } }, 'clio set-up after install failed');
  }
  return { firmId: firm.id, userId: user.id, isAdmin };
}
