import type { Database } from '../db/database';
import { findXeroConnection } from '../xero/connections-repository';
import { lastXeroWebhookAt } from '../xero/webhook-service';
import { getCursor } from './cursors';

/**
 * Whether Xero's webhooks have stopped reaching us. Xero retries a failed delivery for up to 24
 * hours and then disables the subscription until someone re-enables it in the developer portal
 * (developer.xero.com/documentation/webhooks/configuring-your-server), and it offers no API to ask
 * whether it has: so it is inferred. The sweep's Xero cursors hold the newest change it found in
 * Xero; a change that came after the last webhook we received, and long enough ago that its own
 * webhook would have come by now, means the webhooks are silent. An idle organisation proves
 * nothing either way, and is never reported.
 */

/** Time for a change's webhook to reach us: Xero batches and sends within seconds. */
export const XERO_WEBHOOK_GRACE_MS = 15 * 60_000;
/** Xero's clock and ours: a change stamped within this of the last webhook may be that webhook's. */
const CLOCK_TOLERANCE_MS = 1_000;
/** The sweep's Xero listings that Xero also announces by webhook (payments it does not). */
const ANNOUNCED_KINDS = ['contacts', 'invoices'];

export interface XeroWebhookSilence {
  /** The last webhook received, or (none on record) when the organisation was connected. */
  since: Date;
}

export async function xeroWebhookSilence(db: Database, firmId: string, now: Date): Promise<XeroWebhookSilence | undefined> {
  const [connection, last, ...cursors] = await Promise.all([
    findXeroConnection(db, firmId),
    lastXeroWebhookAt(db, firmId),
    ...ANNOUNCED_KINDS.map((kind) => getCursor(db, firmId, 'xero', kind)),
  ]);
  if (!connection) return undefined;
  const since = last ?? connection.created_at;
  const newest = Math.max(...cursors.map((c) => (c ? Date.parse(c) : -Infinity)));
  const unannounced = newest > since.getTime() + CLOCK_TOLERANCE_MS;
  return unannounced && now.getTime() - newest >= XERO_WEBHOOK_GRACE_MS ? { since } : undefined;
}
