import { lastCheck } from '../agreement/repository';
import type { Difference } from '../agreement/compare';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { LinkKind, ProgressKind } from '../domain/kinds';
import { getFirm } from '../firms/repository';
import { getSettings } from '../settings/repository';
import { getLinks, linkCounts, waitingReasons } from '../sync/links';
import { SYNC_ERROR_CODES } from '../sync/errors';
import { listOpenErrors } from '../sync/failure-groups';
import { listOpenItems } from '../sync/open-items';
import { getRun } from '../sync/runs';
import { xeroWebhookSilence } from '../sync/xero-webhook-silence';
import { findXeroConnection } from '../xero/connections-repository';
import { clioRecordUrl, xeroRecordUrl } from './record-urls';
import type { OpenErrorGroup } from '../api-contract';
import type { FirmStatus, KindCounts, StatusGroup } from '../api-contract';

/**
 * What the Status tab shows, read in one place: when the firm last synced and will next, how many
 * records of each kind stand where, the long run in progress, and the open failure groups with
 * their records and links into Clio and Xero.
 */

/** Xero's budget per organisation (xero-api.md §8): 60 calls a minute, and our batches hold 50 records. */
const XERO_CALLS_PER_MINUTE = 60;
const RECORDS_PER_CALL = 50;

/** Seconds the rest of a run needs at Xero's pace, one batch call per 50 records. */
export function estimateSeconds(remaining: number): number {
  return Math.ceil(Math.max(0, remaining) / RECORDS_PER_CALL) * (60 / XERO_CALLS_PER_MINUTE);
}

/** The kinds the Status tab always lists (the link kinds of the engine and the money flows), in this order. */
const STATUS_KINDS = ['contact', 'bill', 'payment_allocation', 'credit_memo', 'hard_cost'] as const;

/** Records listed per failure group. */
const RECORDS_LISTED = 100;

/** Differences listed on the page; their failure groups hold them all. */
const DIFFERENCES_LISTED = 100;

/** Agreement kinds name the records of the link kinds the engine keeps. */
const RECORD_KIND_OF: Record<Difference['kind'], string> = { agreement_bill: 'bill', agreement_client: 'contact', agreement_hard_cost: 'hard_cost' };
const recordKind = (kind: string) => RECORD_KIND_OF[kind as Difference['kind']] ?? kind;

/** The firm's Clio host and Xero organisation, for building links to its records. */
export async function recordLinker(deps: { config: Config; db: Database }, firmId: string) {
  const [firm, xero] = await Promise.all([getFirm(deps.db, firmId), findXeroConnection(deps.db, firmId)]);
  const clioBase = firm ? deps.config.clio[firm.clio_region]?.baseUrl : undefined;
  const tenantId = xero?.xero_tenant_id ?? null;
  return {
    clioUrl: (kind: string, clioId: string) => clioRecordUrl(clioBase, kind, clioId),
    xeroUrl: (kind: string, xeroId: string | null) => xeroRecordUrl(deps.config.xero.apiUrl, tenantId, kind, xeroId),
  };
}

function countsByKind(rows: { kind: string; state: string; count: number }[]): KindCounts[] {
  const byKind = new Map<string, KindCounts>(STATUS_KINDS.map((k) => [k, { kind: k, synced: 0, pending: 0, failed: 0 }]));
  for (const r of rows) {
    // A credit note's allocations are part of the credit note, not a kind the firm thinks in.
    if (r.kind === 'credit_allocation') continue;
    const c = byKind.get(r.kind) ?? byKind.set(r.kind, { kind: r.kind, synced: 0, pending: 0, failed: 0 }).get(r.kind)!;
    if (r.state === 'synced') c.synced += r.count;
    else if (r.state === 'pending') c.pending += r.count;
    else if (r.state === 'failed' || r.state === 'conflict') c.failed += r.count;
  }
  return [...byKind.values()];
}

export async function firmStatus(deps: { config: Config; db: Database }, firmId: string, now: Date = new Date()): Promise<FirmStatus> {
  const [firm, run, counts, waiting, groups, settings, linker, check, items, xeroSilent] = await Promise.all([
    getFirm(deps.db, firmId),
    getRun(deps.db, firmId),
    linkCounts(deps.db, firmId),
    waitingReasons(deps.db, firmId),
    listOpenErrors(deps.db, firmId),
    getSettings(deps.db, firmId),
    recordLinker(deps, firmId),
    lastCheck(deps.db, firmId),
    listOpenItems(deps.db, firmId),
    xeroWebhookSilence(deps.db, firmId, now),
  ]);
  const lastRun = run?.last_run_at ?? null;
  const running = Boolean(lastRun && (!run?.last_success_at || run.last_success_at < lastRun));
  // Progress belongs to the run in progress; a finished run's last figure is not news.
  const progressNow = running && run?.progress_at && lastRun && run.progress_at >= lastRun && run.progress_total;
  const errors: StatusGroup[] = [];
  for (const { clioIds: all, ...group } of groups) {
    // The page polls every few seconds: a group of thousands lists its first records; "Retry all" still takes them all.
    const clioIds = all.slice(0, RECORDS_LISTED);
    const kind = recordKind(group.kind);
    const links = await getLinks(deps.db, firmId, kind as LinkKind, clioIds);
    errors.push({
      ...group,
      records: clioIds.map((clioId) => {
        const xeroId = links.get(clioId)?.xeroId ?? null;
        return { clioId, clioUrl: linker.clioUrl(kind, clioId), xeroId, xeroUrl: linker.xeroUrl(kind, xeroId) };
      }),
    });
  }
  return {
    lastRunAt: lastRun?.toISOString() ?? null,
    lastSuccessAt: run?.last_success_at?.toISOString() ?? null,
    // The schedule counts from the last full run (a sweep, a sync now, a backfill), not from a webhook's sync of one record.
    nextRunAt:
      settings && (firm?.last_sweep_at ?? lastRun) ? new Date((firm?.last_sweep_at ?? lastRun)!.getTime() + settings.sweepIntervalMinutes * 60_000).toISOString() : null,
    parkedUntil: run?.parked_until?.toISOString() ?? null,
    running,
    progress: progressNow
      ? {
          // Progress written before its kind was stored (null) was always of bills.
          kind: run.progress_kind ?? 'bill',
          done: run.progress_done ?? 0,
          total: run.progress_total!,
          etaSeconds: estimateSeconds(run.progress_total! - (run.progress_done ?? 0)),
        }
      : null,
    counts: countsByKind(counts),
    waiting,
    errors,
    agreement: check
      ? {
          checkedAt: check.checkedAt.toISOString(),
          billsCompared: check.billsCompared,
          differenceCount: check.differences.length,
          differences: check.differences.slice(0, DIFFERENCES_LISTED).map((d) => {
            const kind = recordKind(d.kind);
            return { ...d, ...SYNC_ERROR_CODES[d.code], clioUrl: linker.clioUrl(kind, d.clioId), xeroUrl: linker.xeroUrl(kind, d.xeroId) };
          }),
        }
      : null,
    openItems: items.map((i) => ({ id: i.id, words: i.words, openedAt: i.openedAt.toISOString(), clioUrl: i.clioBillId ? linker.clioUrl('bill', i.clioBillId) : null })),
    xeroWebhooksSilent: xeroSilent && settings ? { since: xeroSilent.since.toISOString(), checkEveryMinutes: settings.sweepIntervalMinutes } : null,
  };
}
