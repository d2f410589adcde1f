import type { ClioDeps } from '../clio/deps';
import { firmClioConnection } from '../clio/connections-repository';
import { ClioNotConnectedError } from '../clio/errors';
import { previewPacer } from '../clio/pacing';
import { clientForConnection } from '../clio/tokens';
import { getFirm } from '../firms/repository';
import type { ClioActivityType, ClioBillState, SyncFirmReason, SyncRecordKind } from '../domain/kinds';
import { getSettings } from '../settings/repository';
import { missingForSync } from '../settings/model';
import { openXeroForFirm, type XeroClientDeps } from '../xero/client';
import { XeroNotConnectedError } from '../xero/errors';
import { allocationIdsOfClioPayments, billIdsOfMatter, readBills, readCreditMemos, readMemoAllocations, readPaymentAllocations } from './clio-reader';
import type { SyncContext } from './context';
import { isConnectionLost, isDailyLimit, type SyncErrorCode } from './errors';
import { billsToReadOnWebhook, pushBills } from './flows/push-bills';
import { pushContacts } from './flows/push-contacts';
import { pushCreditMemos } from './flows/push-credit-memos';
import { pullFromXero } from './flows/pull';
import { resolveContactConflict } from './flows/pull-contacts';
import { resolveBillConflict } from './flows/resolve-bill-conflict';
import { activitiesToRead, pushHardCostsById } from './flows/push-hard-costs';
import { pushPayments } from './flows/push-payments';
import { sweep } from './flows/sweep';
import { recordFirmFailure, resolveFirmFailure } from './failure-groups';
import type { PlanItem } from './plan';
import { markRun, park, parkedUntil } from './runs';
import type { SyncSettings } from '../api-contract';
import { countRun } from '../metrics/registry';

export type SyncEngineDeps = ClioDeps & XeroClientDeps;

/** A run of the whole firm; a range makes it a backfill of the bills issued in it. */
export interface SyncFirmRequest {
  firmId: string;
  reason: SyncFirmReason;
  range?: { from: string | null; to: string | null };
}

interface RecordsRequest {
  firmId: string;
  ids: string[];
  reason: 'webhook' | 'manual';
}

/**
 * A run for the records a webhook (or an admin) named. What the Clio side's webhook already said
 * about them (an activity's type, a bill's state) can spare a read; Xero's event times tell an
 * echo of our own write.
 */
export type SyncRecordsRequest =
  | (RecordsRequest & { source: 'clio'; kind: SyncRecordKind<'clio'>; types?: Record<string, ClioActivityType>; states?: Record<string, ClioBillState> })
  | (RecordsRequest & { source: 'xero'; kind: SyncRecordKind<'xero'>; changedAt?: Record<string, string> });

const FIRM_CODES: SyncErrorCode[] = ['AUTH_REVOKED', 'SETTINGS_INCOMPLETE', 'XERO_DAILY_LIMIT'];
const DAY_MS = 86_400_000;

/**
 * What jobs call. Every run, whatever woke it, opens the firm's two clients, runs one flow, and
 * turns what cannot be retried usefully (a lost connection, Xero's day limit) into a firm-level
 * failure the admin sees; anything else is thrown so the job retries with backoff.
 */
export function createSyncEngine(deps: SyncEngineDeps) {
  /** The run's context, or why there is none (each reason is logged: a run never ends unexplained). */
  async function open(firmId: string, dryRun: boolean, settingsOverride?: Partial<SyncSettings>): Promise<{ ctx: SyncContext } | { skipped: string }> {
    const firm = await getFirm(deps.db, firmId);
    if (!firm) return { skipped: 'no such firm' };
    if (firm.status !== 'active') return { skipped: `the firm is ${firm.status}` };
    const stored = await getSettings(deps.db, firmId);
    if (!stored) return { skipped: 'no settings saved yet' };
    const settings = { ...stored, ...settingsOverride };
    const connection = await firmClioConnection(deps.db, firmId);
    if (!connection) return { skipped: 'no Clio connection' };
    const app = deps.config.clio[connection.region];
    if (!app) return { skipped: `no Clio app configured for region ${connection.region}` };
    const xero = await openXeroForFirm(deps, firmId);
    return {
      ctx: {
        firmId,
        db: deps.db,
        // A dry run reads within its own share of the token's window, so it never starves a sync or an uninstall.
        clio: dryRun ? clientForConnection(deps, connection, previewPacer(deps.config.CLIO_RATE_WINDOW_MS)) : clientForConnection(deps, connection),
        xero,
        settings,
        clioWebUrl: app.baseUrl,
        logger: deps.logger.child({ firmId }),
        dryRun,
        plan: [],
        startedAt: new Date(),
      },
    };
  }

  async function run(firmId: string, why: string, work: (ctx: SyncContext) => Promise<void>, settingsOverride?: Partial<SyncSettings>): Promise<void> {
    const parked = await parkedUntil(deps.db, firmId, new Date());
    if (parked) {
      deps.logger.info({ firmId, until: parked.until.toISOString() }, 'sync parked: Xero day limit');
      return;
    }
    let ctx: SyncContext | undefined;
    try {
      const opened = await open(firmId, false, settingsOverride);
      if ('skipped' in opened) {
        deps.logger.info({ firmId, why, reason: opened.skipped }, 'sync skipped');
        return;
      }
      ctx = opened.ctx;
      const missing = missingForSync(ctx.settings);
      if (missing.length) {
        await recordFirmFailure(deps.db, firmId, 'SETTINGS_INCOMPLETE');
        deps.logger.info({ firmId, missing }, 'sync waits for settings');
        return;
      }
      await markRun(deps.db, firmId, 'started');
      await work(ctx);
      await markRun(deps.db, firmId, 'succeeded');
      for (const code of FIRM_CODES) await resolveFirmFailure(deps.db, firmId, code);
      deps.logger.info({ firmId, why, decisions: summarise(ctx.plan) }, 'sync run finished');
    } catch (err) {
      if (isDailyLimit(err)) {
        const until = new Date(Date.now() + (err.retryAfterSeconds ? err.retryAfterSeconds * 1000 : DAY_MS));
        await park(deps.db, firmId, until, 'Xero day limit reached');
        await recordFirmFailure(deps.db, firmId, 'XERO_DAILY_LIMIT');
        deps.logger.warn({ firmId, until: until.toISOString() }, 'Xero day limit: firm parked');
        return;
      }
      if (isConnectionLost(err)) {
        const benign = (err instanceof XeroNotConnectedError && err.status !== 'needs_reconnect') || err instanceof ClioNotConnectedError;
        if (!benign) await recordFirmFailure(deps.db, firmId, 'AUTH_REVOKED');
        deps.logger.info({ firmId, reason: (err as Error).message }, 'sync skipped: not connected');
        return;
      }
      countRun('failed');
      throw err;
    }
  }

  async function syncRecords(p: SyncRecordsRequest): Promise<void> {
    if (p.source === 'xero') {
      await run(p.firmId, `xero:${p.reason}:${p.kind}`, (ctx) => pullFromXero(ctx, p.kind, p.ids, p.changedAt));
      return;
    }
    await run(p.firmId, `${p.reason}:${p.kind}`, async (ctx) => {
      switch (p.kind) {
        case 'bill': {
          // A bill its webhook names in a state that cannot reach Xero (a draft while only approved bills
          // sync, a void never synced) is not read at all.
          const ids = await billsToReadOnWebhook(ctx, p.ids, p.states);
          if (ids.length) await pushBills(ctx, await readBills(ctx.clio, ids), { payments: 'per_bill' });
          break;
        }
        case 'matter':
          for (const matterId of p.ids) await pushBills(ctx, await readBills(ctx.clio, await billIdsOfMatter(ctx.clio, matterId)), { payments: 'per_bill' });
          break;
        case 'contact':
          await pushContacts(ctx, p.ids, { create: p.reason === 'manual', refreshLinked: true });
          break;
        case 'credit_memo': {
          const ids = p.ids.map(Number);
          await pushCreditMemos(ctx, await readCreditMemos(ctx.clio, ids), await readMemoAllocations(ctx.clio, { memoIds: ids }));
          break;
        }
        case 'activity': {
          // A bill's own webhook covers its lines; here an expense is a hard cost or nothing. With hard
          // costs off nothing follows an activity (old ones are left as they are), so nothing is read;
          // with them on, neither is an activity its webhook says is not one. One asked for and not
          // found was deleted in Clio.
          if (!ctx.settings.syncHardCosts) break;
          const ids = await activitiesToRead(ctx, p.ids, p.types);
          if (ids.length) await pushHardCostsById(ctx, ids);
          break;
        }
        case 'clio_payments_payment':
          // Clio Payments has no updated_since: its webhook names the charge, whose allocations are the payments.
          await pushPayments(ctx, await readPaymentAllocations(ctx.clio, { ids: await allocationIdsOfClioPayments(ctx.clio, p.ids) }));
          break;
        default: {
          const unknownKind: never = p;
          throw new Error(`sync_records: no flow for ${JSON.stringify(unknownKind)}`);
        }
      }
    });
  }

  async function syncFirm(p: SyncFirmRequest): Promise<void> {
    if (p.range) await run(p.firmId, p.reason, (ctx) => sweep(ctx, { fresh: true }), { billDateFrom: p.range.from, billDateTo: p.range.to });
    else await run(p.firmId, p.reason, (ctx) => sweep(ctx, { scheduled: p.reason === 'sweep' }));
  }

  /**
   * The dry run: the same reads and the same planner as a real run, nothing written. With a date
   * range it previews a backfill of those bills; without, the first (or next) sweep.
   */
  async function preview(firmId: string, range?: { from: string | null; to: string | null }): Promise<PlanItem[] | undefined> {
    // A preview answers "what would syncing bills do", so it plans as if bill syncing were on.
    const opened = await open(firmId, true, { syncBills: true, ...(range ? { billDateFrom: range.from, billDateTo: range.to } : {}) });
    if ('skipped' in opened) {
      deps.logger.info({ firmId, reason: opened.skipped }, 'preview skipped');
      return undefined;
    }
    const { ctx } = opened;
    await sweep(ctx, { fresh: Boolean(range) });
    return ctx.plan.map(({ draft: _d, hash: _h, ...item }) => item);
  }

  /** An admin's choice for a record in conflict; false when it is not (or no longer) in conflict. */
  async function resolveConflict(firmId: string, kind: 'contact' | 'bill', clioId: string, keep: 'clio' | 'xero'): Promise<boolean> {
    let resolved = false;
    await run(firmId, 'resolve conflict', async (ctx) => {
      resolved = kind === 'bill' ? await resolveBillConflict(ctx, clioId, keep) : await resolveContactConflict(ctx, clioId, keep);
    });
    return resolved;
  }

  return { syncFirm, syncRecords, preview, resolveConflict };
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;

function summarise(plan: PlanItem[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of plan) out[`${p.kind}.${p.action}`] = (out[`${p.kind}.${p.action}`] ?? 0) + 1;
  return out;
}
