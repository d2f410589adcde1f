import { z } from 'zod';
import { CLIO_REGIONS, type ClioRegionCode } from '../config';
import { CUSTOM_ACTIONS, type CustomActionDefinition } from './app-definition';
import { findConnectionsByClioUser, type ClioConnection } from './connections-repository';
import type { ClioDeps } from './deps';
import { ClioNotConnectedError } from './errors';
import { clientForConnection } from './tokens';
import { clioId } from '../validation/inputs';

/** What Clio appends to a custom action's target_url. Anyone can forge these; the nonce check decides. */
export const customActionQuery = z.object({
  custom_action_id: clioId(),
  user_id: clioId(),
  // Relative, one of our three record types: an absolute URL here must never be fetched with a token.
  subject_url: z.string().regex(/^\/api\/v4\/(contacts|matters|activities)\/[1-9]\d{0,18}(\.json)?$/),
  custom_action_nonce: z.string().min(1).max(200),
});
export type CustomActionQuery = z.infer<typeof customActionQuery>;

export type VerifiedAction = { ok: true; connection: ClioConnection; action: CustomActionDefinition; recordId: string };
export type RefusedAction = { ok: false; reason: 'unknown_user' | 'nonce_rejected' | 'not_connected' | 'busy' };

/** Admits one nonce check against a connection now, returning its release; undefined refuses it (too many at once). */
export type NonceCheckGate = (connectionId: string) => (() => void) | undefined;

/**
 * Checks a click with Clio at once (the nonce is single use and lives about a minute): Clio answers
 * the subject record only when the nonce is fresh, unused and was issued to the owner of the token.
 * The click names no region, so each region where we know this Clio user id is tried.
 */
export async function verifyCustomAction(deps: ClioDeps, q: CustomActionQuery, gate: NonceCheckGate = () => () => {}): Promise<VerifiedAction | RefusedAction> {
  const [, collection, recordId] = /^\/api\/v4\/(\w+)\/(\d+)/.exec(q.subject_url)!;
  const action = CUSTOM_ACTIONS.find((a) => a.collection === collection)!;
  const regions = CLIO_REGIONS.filter((r): r is ClioRegionCode => deps.config.clio[r] !== undefined);
  const candidates = (await Promise.all(regions.map((region) => findConnectionsByClioUser(deps.db, { clioUserId: q.user_id, region })))).flat();
  if (candidates.length === 0) return { ok: false, reason: 'unknown_user' };
  let reason: RefusedAction['reason'] = 'nonce_rejected';
  for (const connection of candidates) {
    // Refused before Clio is asked: a flood must not queue up calls on the user's token.
    const release = gate(connection.id);
    if (!release) {
      reason = 'busy';
      continue;
    }
    try {
      const status = await clientForConnection(deps, connection).probe(q.subject_url, {
        query: { custom_action_nonce: q.custom_action_nonce },
      });
      if (status === 200) return { ok: true, connection, action, recordId: recordId! };
    } catch (err) {
      if (!(err instanceof ClioNotConnectedError)) throw err;
      reason = 'not_connected';
    } finally {
      release();
    }
  }
  return { ok: false, reason };
}
