import type { CronItem, Task, TaskList } from 'graphile-worker';
import { z } from 'zod';
import type { Database } from '../db/database';
import type { Logger } from '../log';
import { listFirmsDueForSweep, markSwept } from '../firms/repository';
import { firmQueueName } from './firm-queue';
import { pruneClioTables } from '../clio/prune';
import { pruneXeroTables } from '../xero/prune';

export const TASK = {
  sweepDueFirms: 'sweep_due_firms',
  syncFirm: 'sync_firm',
  syncRecords: 'sync_records',
  renewClioWebhooks: 'renew_clio_webhooks',
  pruneExpired: 'prune_expired',
  matchContacts: 'match_contacts',
} as const;

const syncFirmPayload = z.object({
  firmId: z.uuid(),
  reason: z.enum(['sweep', 'webhook', 'manual', 'connect']),
});
export type SyncFirmPayload = z.infer<typeof syncFirmPayload>;

/** Webhooks name the records that changed; the job fetches and syncs just those. */
const syncRecordsPayload = z.object({
  firmId: z.uuid(),
  source: z.enum(['clio', 'xero']),
  kind: z.string().min(1),
  ids: z.array(z.string().min(1)).min(1),
  reason: z.enum(['webhook', 'manual']),
});
export type SyncRecordsPayload = z.infer<typeof syncRecordsPayload>;

/** Record syncs share the firm's queue with its sweeps, so one firm's writes never interleave. */
export function syncRecordsJobSpec(firmId: string) {
  return { queueName: firmQueueName(firmId), maxAttempts: 10 } as const;
}

/** Job options that keep one firm's sync work serial and its pending sweeps collapsed into one. */
export function syncFirmJobSpec(firmId: string) {
  return { queueName: firmQueueName(firmId), jobKey: `sync_firm:${firmId}`, maxAttempts: 10 } as const;
}

const matchContactsPayload = z.object({ firmId: z.uuid() });
export type MatchContactsPayload = z.infer<typeof matchContactsPayload>;

/** On the firm's queue, so matching finishes before the first sync could create a duplicate contact. */
export function matchContactsJobSpec(firmId: string) {
  return { queueName: firmQueueName(firmId), jobKey: `match_contacts:${firmId}`, maxAttempts: 5 } as const;
}

export interface TaskDeps {
  db: Database;
  logger: Logger;
  /** The sync run for one firm; the sync engine supplies it. */
  syncFirm: (payload: SyncFirmPayload) => Promise<void>;
  syncRecords: (payload: SyncRecordsPayload) => Promise<void>;
  /** Extends Clio webhooks before their 31-day limit (server/clio/webhooks.ts). */
  renewClioWebhooks?: () => Promise<void>;
  /** Links Clio clients to Xero contacts on connect (server/contacts/matching.ts). */
  matchContacts?: (payload: MatchContactsPayload) => Promise<void>;
}

export function createTasks(deps: TaskDeps): TaskList {
  const sweepDueFirms: Task = async (_payload, helpers) => {
    const due = await listFirmsDueForSweep(deps.db, new Date());
    for (const firmId of due) {
      await helpers.addJob(TASK.syncFirm, { firmId, reason: 'sweep' } satisfies SyncFirmPayload, syncFirmJobSpec(firmId));
    }
  };
  const syncFirm: Task = async (raw) => {
    const payload = syncFirmPayload.parse(raw);
    await deps.syncFirm(payload);
    if (payload.reason === 'sweep') await markSwept(deps.db, payload.firmId, new Date());
  };
  const syncRecords: Task = async (raw) => deps.syncRecords(syncRecordsPayload.parse(raw));
  const renewClioWebhooks: Task = async () => deps.renewClioWebhooks?.();
  const pruneExpired: Task = async () => {
    const now = new Date();
    deps.logger.info({ clio: await pruneClioTables(deps.db, now), xero: await pruneXeroTables(deps.db, now) }, 'expired rows pruned');
  };
  const matchContacts: Task = async (raw) => deps.matchContacts?.(matchContactsPayload.parse(raw));
  return {
    [TASK.sweepDueFirms]: sweepDueFirms,
    [TASK.syncFirm]: syncFirm,
    [TASK.syncRecords]: syncRecords,
    [TASK.renewClioWebhooks]: renewClioWebhooks,
    [TASK.pruneExpired]: pruneExpired,
    [TASK.matchContacts]: matchContacts,
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
];
