import { z } from 'zod';
import type { ClioConnection } from './connections-repository';
import type { ClioDeps } from './deps';
import { ClioApiError, ClioNotConnectedError } from './errors';
import { isClioAdmin, WHO_AM_I_FIELDS } from './install';
import { clientForConnection } from './tokens';

const adminFields = z.object({ account_owner: z.boolean().optional(), roles: z.array(z.string()).optional() });

/**
 * Asks Clio, with the user's own grant, whether they are an administrator now. Undefined when
 * Clio no longer honours the grant (revoked, user removed): the caller must end the session.
 */
export async function currentClioAdmin(deps: ClioDeps, connection: ClioConnection): Promise<boolean | undefined> {
  try {
    const me = adminFields.parse(await clientForConnection(deps, connection).get('/users/who_am_i.json', { fields: WHO_AM_I_FIELDS }));
    return isClioAdmin(me);
  } catch (err) {
    if (err instanceof ClioNotConnectedError) return undefined;
    if (err instanceof ClioApiError && err.status === 401) return undefined;
    throw err;
  }
}
