import { cancelQueuedFirmJobs } from '../jobs/enqueue';
import { disconnect as disconnectXero } from '../xero/connect-service';
import type { XeroDeps } from '../xero/deps';
import { recordSecurityEvent, type SecurityEventInput } from '../security/events';

/**
 * The Xero half of an uninstall, run once the firm has no Clio grant left (clio/uninstall.ts took
 * those away and marked the firm uninstalled): the organisation is disconnected at Xero
 * (DELETE /connections/{id}) so it is free for another firm, both services' tokens are gone, and
 * nothing queued for the firm runs again. Clio and Xero stay unaware of each other; this module
 * is where the two halves meet.
 */
export async function offboardFirm(deps: XeroDeps, firmId: string, by: Pick<SecurityEventInput, 'actor' | 'userId' | 'address'>): Promise<void> {
  const { removedAtXero } = await disconnectXero(deps, firmId);
  const cancelled = await cancelQueuedFirmJobs(deps.db, firmId);
  await recordSecurityEvent(deps.db, { event: 'uninstalled', firmId, ...by, detail: { removedAtXero } });
  deps.logger.info({ firmId, removedAtXero, cancelledJobs: cancelled }, 'firm offboarded');
}
