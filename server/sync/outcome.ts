import type { SyncContext } from './context';
import type { RecordFailure } from './errors';
import { type LinkKind, type LinkSnapshot, recordFailed, recordIgnored, recordPushed, recordWaiting } from './links';
import { appendLog, type LogEntry, recordFailureGroup, resolveFailures } from './log';

/**
 * How a record's result is stored: the link, the history line and the failure groups move
 * together, so the Status tab never shows a failure that a later success has fixed.
 */

export async function succeeded(
  ctx: SyncContext,
  kind: LinkKind,
  r: {
    clioId: string;
    xeroId: string;
    hash: string;
    snapshot: LinkSnapshot;
    action: LogEntry['action'];
    reason: string;
    beforeHash?: string | null;
    xeroNumber?: string | null;
    parentClioId?: string | null;
    clioEtag?: string | null;
    detail?: unknown;
  },
): Promise<void> {
  await recordPushed(ctx.db, ctx.firmId, kind, {
    clioId: r.clioId,
    xeroId: r.xeroId,
    hash: r.hash,
    snapshot: r.snapshot,
    ...(r.xeroNumber !== undefined ? { xeroNumber: r.xeroNumber } : {}),
    ...(r.parentClioId !== undefined ? { parentClioId: r.parentClioId } : {}),
    ...(r.clioEtag ? { clioEtag: r.clioEtag } : {}),
  });
  await appendLog(ctx.db, ctx.firmId, [
    { kind, clioId: r.clioId, xeroId: r.xeroId, action: r.action, reason: r.reason, beforeHash: r.beforeHash ?? null, afterHash: r.hash, detail: r.detail },
  ]);
  await resolveFailures(ctx.db, ctx.firmId, kind, [r.clioId]);
}

export async function failed(
  ctx: SyncContext,
  kind: LinkKind,
  clioId: string,
  failure: RecordFailure,
  opts: { dropClaim: boolean; xeroId?: string | null },
): Promise<void> {
  ctx.logger.info({ firmId: ctx.firmId, kind, clioId, code: failure.code }, 'record failed');
  await recordFailed(ctx.db, ctx.firmId, kind, clioId, failure, opts);
  await appendLog(ctx.db, ctx.firmId, [{ kind, clioId, xeroId: opts.xeroId ?? null, action: 'fail', reason: failure.code, detail: { detail: failure.detail } }]);
  await recordFailureGroup(ctx.db, ctx.firmId, kind, clioId, failure);
}

export async function waiting(ctx: SyncContext, kind: LinkKind, clioId: string, reason: string, parentClioId?: string): Promise<void> {
  await recordWaiting(ctx.db, ctx.firmId, kind, clioId, reason, parentClioId);
  await resolveFailures(ctx.db, ctx.firmId, kind, [clioId]);
}

/** A record that waited or failed and no longer needs to reach Xero (voided in Clio before it got there). */
export async function ignored(ctx: SyncContext, kind: LinkKind, clioId: string): Promise<void> {
  await recordIgnored(ctx.db, ctx.firmId, kind, clioId);
  await resolveFailures(ctx.db, ctx.firmId, kind, [clioId]);
}
