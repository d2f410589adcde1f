import type { CronItem, Task, TaskList } from 'graphile-worker';
import type { Database } from '../db/database';
import type { Logger } from '../log';
import { listFirmsDueForSweep, markSwept } from '../firms/repository';
import {
  enqueueSyncFirm,
  matchContactsPayload,
  type MatchContactsPayload,
  syncFirmPayload,
  type SyncFirmPayload,
  syncRecordsPayload,
  type SyncRecordsPayload,
  TASK,
} from './enqueue';

import { pruneClioTables } from '../clio/prune';
import { pruneXeroTables } from '../xero/prune';

export interface TaskDeps {
  db: Database;
  logger: Logger;
  /** The sync run for one firm; the sync engine supplies it. */
  syncFirm: (payload: SyncFirmPayload) => Promise<void>;
  syncRecords: (payload: SyncRecordsPayload) => Promise<void>;
  /** Extends Clio webhooks before their 31-day limit (server/clio/webhooks.ts). */
  renewClioWebhooks: () => Promise<void>;
  /** Links Clio clients to Xero contacts on connect (server/contacts/matching.ts). */
  matchContacts: (payload: MatchContactsPayload) => Promise<void>;
  /** Failure emails (server/notify/failure-emails.ts); absent when no SMTP is configured. */
  notify?: { afterSync(firmId: string): Promise<void>; sendDigests(): Promise<void> };
  /** The daily light call and keep-alive refresh of every Xero connection (server/xero/daily-check.ts). */
  checkXeroConnections: () => Promise<void>;
  /** Deletes firms uninstalled longer ago than PURGE_AFTER_DAYS (server/offboarding/purge.ts). */
  purgeUninstalledFirms: () => Promise<void>;
}

/** graphile-worker puts `_cron.ts` (the tick's time) in the payload of every job its cron adds. */
const cronTick = (payload: unknown): string | null => {
  const ts = (payload as { _cron?: { ts?: unknown } } | null)?._cron?.ts;
  return typeof ts === 'string' ? ts : null;
};

export function createTasks(deps: TaskDeps): TaskList {
  const sweepDueFirms: Task = async (payload, helpers) => {
    const due = await listFirmsDueForSweep(deps.db, new Date());
    for (const firmId of due) {
      await enqueueSyncFirm(helpers, { firmId, reason: 'sweep' });
    }
    // The tick (graphile-worker's cron timestamp) shows that with several processes each minute is swept once.
    deps.logger.info({ tick: cronTick(payload), due: due.length }, 'due firms queued for their sweep');
  };
  /** A new failure group is announced by the job that found it; a mail outage must not fail (and repeat) the sync. */
  const announce = async (firmId: string) => {
    try {
      await deps.notify?.afterSync(firmId);
    } catch (err) {
      deps.logger.warn({ firmId, err: { message: (err as Error).message } }, 'failure emails not sent');
    }
  };
  const syncFirm: Task = async (raw) => {
    const payload = syncFirmPayload.parse(raw);
    await deps.syncFirm(payload);
    // Any full run counts as the firm's sweep, so a backfill or a sync now is not followed by another at once.
    await markSwept(deps.db, payload.firmId, new Date());
    await announce(payload.firmId);
  };
  const syncRecords: Task = async (raw) => {
    const payload = syncRecordsPayload.parse(raw);
    await deps.syncRecords(payload);
    await announce(payload.firmId);
  };
  const sendFailureDigests: Task = async () => deps.notify?.sendDigests();
  const renewClioWebhooks: Task = async () => deps.renewClioWebhooks();
  const pruneExpired: Task = async () => {
    const now = new Date();
    deps.logger.info({ clio: await pruneClioTables(deps.db, now), xero: await pruneXeroTables(deps.db, now) }, 'expired rows pruned');
  };
  const matchContacts: Task = async (raw) => deps.matchContacts(matchContactsPayload.parse(raw));
  return {
    [TASK.sweepDueFirms]: sweepDueFirms,
    [TASK.syncFirm]: syncFirm,
    [TASK.syncRecords]: syncRecords,
    [TASK.renewClioWebhooks]: renewClioWebhooks,
    [TASK.pruneExpired]: pruneExpired,
    [TASK.matchContacts]: matchContacts,
    [TASK.sendFailureDigests]: sendFailureDigests,
    [TASK.checkXeroConnections]: async () => deps.checkXeroConnections(),
    [TASK.purgeUninstalledFirms]: async () => deps.purgeUninstalledFirms(),
  };
}

/**
 * The sweep checks every minute which firms are due (each firm's interval is a setting);
 * graphile-worker's cron makes sure only one process schedules each tick.
 */
export const CRON: CronItem[] = [
  { task: TASK.sweepDueFirms, match: '* * * * *', options: { backfillPeriod: 0 } },
  // Hourly is plenty for a week's margin, and retries a failed renewal well before Clio's 31 days run out.
  { task: TASK.renewClioWebhooks, match: '17 * * * *', options: { backfillPeriod: 0 } },
  { task: TASK.pruneExpired, match: '47 * * * *', options: { backfillPeriod: 0 } },
  // The daily digest of new failure groups, for admins who chose it (07:00 UTC).
  { task: TASK.sendFailureDigests, match: '0 7 * * *', options: { backfillPeriod: 0 } },
  // Daily: every Xero connection checked (and kept alive) well inside its refresh token's 60 days.
  { task: TASK.checkXeroConnections, match: '11 4 * * *', options: { backfillPeriod: 0 } },
  { task: TASK.purgeUninstalledFirms, match: '29 3 * * *', options: { backfillPeriod: 0 } },
];
