import type { CronItem, Task, TaskList } from 'graphile-worker';
import { z } from 'zod';
import type { Database } from '../db/database';
import type { Logger } from '../log';
import { listFirmsDueForSweep, markSwept } from '../firms/repository';

export const TASK = {
  sweepDueFirms: 'sweep_due_firms',
  syncFirm: 'sync_firm',
} as const;

const syncFirmPayload = z.object({
  firmId: z.uuid(),
  reason: z.enum(['sweep', 'webhook', 'manual', 'connect']),
});
export type SyncFirmPayload = z.infer<typeof syncFirmPayload>;

/** Job options that keep one firm's sync work serial and its pending sweeps collapsed into one. */
export function syncFirmJobSpec(firmId: string) {
  return { queueName: `firm:${firmId}`, jobKey: `sync_firm:${firmId}`, maxAttempts: 10 } as const;
}

export interface TaskDeps {
  db: Database;
  logger: Logger;
  /** The sync run for one firm; the sync engine supplies it. */
  syncFirm: (payload: SyncFirmPayload) => Promise<void>;
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
  return { [TASK.sweepDueFirms]: sweepDueFirms, [TASK.syncFirm]: syncFirm };
}

/**
 * The sweep checks every minute which firms are due (each firm's interval is a setting);
 * graphile-worker's cron makes sure only one process schedules each tick.
 */
export const CRON: CronItem[] = [{ task: TASK.sweepDueFirms, match: '* * * * *', options: { backfillPeriod: 0 } }];
