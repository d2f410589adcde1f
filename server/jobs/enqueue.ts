import type { AddJobFunction } from 'graphile-worker';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database';
import { CLIO_ACTIVITY_TYPES, CLIO_BILL_STATES, SYNC_FIRM_REASONS, SYNC_RECORD_KINDS, type SyncRecordKind } from '../domain/kinds';

/**
 * The jobs other modules may queue: their names, payloads and options, and one function per job
 * to queue it, and the firm queue they share. A leaf: clio/, xero/ and the routes import this,
 * never the task definitions (tasks.ts), so queueing work does not pull in the code that does it.
 */

export const TASK = {
  sweepDueFirms: 'sweep_due_firms',
  syncFirm: 'sync_firm',
  syncRecords: 'sync_records',
  renewClioWebhooks: 'renew_clio_webhooks',
  pruneExpired: 'prune_expired',
  matchContacts: 'match_contacts',
  sendFailureDigests: 'send_failure_digests',
  checkXeroConnections: 'check_xero_connections',
  purgeUninstalledFirms: 'purge_uninstalled_firms',
  checkAgreements: 'check_agreements',
  checkAgreement: 'check_agreement',
} as const;

/** Every job of one firm runs in this graphile-worker queue, so they never run at the same time. */
export const firmQueueName = (firmId: string) => `firm:${firmId}`;

export const syncFirmPayload = z.object({
  firmId: z.uuid(),
  reason: z.enum(SYNC_FIRM_REASONS),
  /** A backfill: every bill issued in this range, whatever the settings' own range. */
  range: z.object({ from: z.iso.date().nullable(), to: z.iso.date().nullable() }).optional(),
});
export type SyncFirmPayload = z.infer<typeof syncFirmPayload>;

const syncRecordsOf = { firmId: z.uuid(), ids: z.array(z.string().min(1)).min(1), reason: z.enum(['webhook', 'manual']) };

/** Webhooks name the records that changed; the job fetches and syncs just those. */
export const syncRecordsPayload = z.discriminatedUnion('source', [
  z.object({
    ...syncRecordsOf,
    source: z.literal('clio'),
    kind: z.enum(SYNC_RECORD_KINDS.clio),
    /** Activity id → the type its webhook named: one that cannot be a hard cost needs no read from Clio. */
    types: z.record(z.string(), z.enum(CLIO_ACTIVITY_TYPES)).optional(),
    /** Bill id → the state its webhook named: one that cannot be in scope and is not linked needs no read from Clio. */
    states: z.record(z.string(), z.enum(CLIO_BILL_STATES)).optional(),
  }),
  z.object({
    ...syncRecordsOf,
    source: z.literal('xero'),
    kind: z.enum(SYNC_RECORD_KINDS.xero),
    /** Xero id → the latest event time Xero gave for it: a change dated before our last write to that record is already in hand. */
    changedAt: z.record(z.string(), z.string()).optional(),
  }),
]);
export type SyncRecordsPayload = z.infer<typeof syncRecordsPayload>;

export const matchContactsPayload = z.object({ firmId: z.uuid() });
export const checkAgreementPayload = z.object({ firmId: z.uuid() });
export type CheckAgreementPayload = z.infer<typeof checkAgreementPayload>;
export type MatchContactsPayload = z.infer<typeof matchContactsPayload>;

/** Record syncs share the firm's queue with its sweeps, so one firm's writes never interleave. */
export function syncRecordsJobSpec(firmId: string) {
  return { queueName: firmQueueName(firmId), maxAttempts: 10 } as const;
}

/** Job options that keep one firm's sync work serial and its pending sweeps collapsed into one. */
export function syncFirmJobSpec(firmId: string) {
  return { queueName: firmQueueName(firmId), jobKey: `sync_firm:${firmId}`, maxAttempts: 10 } as const;
}

/** On the firm's queue, so matching finishes before the first sync could create a duplicate contact. */
export function matchContactsJobSpec(firmId: string) {
  return { queueName: firmQueueName(firmId), jobKey: `match_contacts:${firmId}`, maxAttempts: 5 } as const;
}

/** On the firm's queue, so the check never reads a half-written sync; a click while one waits adds none. */
export function checkAgreementJobSpec(firmId: string) {
  return { queueName: firmQueueName(firmId), jobKey: `check_agreement:${firmId}`, maxAttempts: 3 } as const;
}

/**
 * Where a job is queued: the job runner (or a task's helpers), or a Kysely database or transaction,
 * which queues through graphile-worker's SQL `add_job` so the job commits or rolls back with the
 * transaction's other writes.
 */
export type JobQueue = JobAdder | Kysely<any>;

/** The job runner as the services see it (a task's helpers fit too). */
export type JobAdder = { addJob: AddJobFunction };

type JobSpec = { queueName: string; maxAttempts: number; jobKey?: string };

async function enqueue(queue: JobQueue, task: string, payload: object, spec: JobSpec): Promise<void> {
  if ('addJob' in queue) {
    await queue.addJob(task, payload, spec);
    return;
  }
  await sql`select graphile_worker.add_job(${task}, ${JSON.stringify(payload)}::json,
    queue_name => ${spec.queueName}, max_attempts => ${spec.maxAttempts}, job_key => ${spec.jobKey ?? null})`.execute(queue);
}

export async function enqueueSyncRecords(queue: JobQueue, payload: SyncRecordsPayload): Promise<void> {
  const valid = syncRecordsPayload.parse(payload);
  await enqueue(queue, TASK.syncRecords, valid, syncRecordsJobSpec(valid.firmId));
}

/**
 * "Sync now" for one Clio record (record page, custom action). Keyed by the record, so repeated
 * clicks before the job runs collapse into the one waiting job instead of piling up.
 */
export async function enqueueManualRecordSync(queue: JobQueue, p: { firmId: string; kind: SyncRecordKind<'clio'>; id: string }): Promise<void> {
  const valid = syncRecordsPayload.parse({ firmId: p.firmId, source: 'clio', kind: p.kind, ids: [p.id], reason: 'manual' });
  await enqueue(queue, TASK.syncRecords, valid, { ...syncRecordsJobSpec(p.firmId), jobKey: `sync_record:${p.firmId}:clio:${p.kind}:${p.id}` });
}

export async function enqueueSyncFirm(queue: JobQueue, payload: SyncFirmPayload): Promise<void> {
  const valid = syncFirmPayload.parse(payload);
  await enqueue(queue, TASK.syncFirm, valid, syncFirmJobSpec(valid.firmId));
}

/** Its own job key: a backfill must not be collapsed into (or replaced by) a pending sweep. */
export async function enqueueBackfill(queue: JobQueue, payload: { firmId: string; range: { from: string | null; to: string | null } }): Promise<void> {
  const valid = syncFirmPayload.parse({ ...payload, reason: 'backfill' });
  await enqueue(queue, TASK.syncFirm, valid, { ...syncFirmJobSpec(valid.firmId), jobKey: `backfill:${valid.firmId}` });
}

export async function enqueueMatchContacts(queue: JobQueue, payload: MatchContactsPayload): Promise<void> {
  const valid = matchContactsPayload.parse(payload);
  await enqueue(queue, TASK.matchContacts, valid, matchContactsJobSpec(valid.firmId));
}

export async function enqueueAgreementCheck(queue: JobQueue, payload: CheckAgreementPayload): Promise<void> {
  const valid = checkAgreementPayload.parse(payload);
  await enqueue(queue, TASK.checkAgreement, valid, checkAgreementJobSpec(valid.firmId));
}

/**
 * Drops the firm's waiting jobs (disconnect, uninstall). A job already running is left to finish:
 * it finds the connection gone and stops without calling out. `complete_jobs` is graphile-worker's
 * public way to remove jobs that carry no job key.
 */
export async function cancelQueuedFirmJobs(db: Database, firmId: string): Promise<number> {
  const { rows } = await sql<{ id: string }>`
    select id from graphile_worker.complete_jobs(array(
      select id from graphile_worker.jobs where queue_name = ${firmQueueName(firmId)} and locked_at is null))`.execute(db);
  return rows.length;
}
