import { inTransaction } from '../db/database';
import type { SyncContext } from './context';
import type { RecordFailure } from './errors';
import { recordFailureGroup, resolveFailures } from './failure-groups';
import { appendLog, type LogEntry } from './history';
import type { LinkKind } from '../domain/kinds';
import { type LinkRow, type LinkSnapshot, recordConflict, recordFailed, recordIgnored, recordPushed, recordReconciled, recordWaiting } from './links';

/**
 * How a record's result is stored: the link, the history line and the failure groups move
 * together, in one transaction, so the Status tab never shows a failure that a later success has
 * fixed, and a crash between the statements cannot leave a record that reached Xero shown as
 * failed (or a failure with no group): either all of an outcome is stored or none of it, and the
 * retry finds the record as it was before.
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
    xeroHash?: string;
    detail?: unknown;
  },
): Promise<void> {
  await inTransaction(ctx.db, async (db) => {
    await recordPushed(db, ctx.firmId, kind, {
      clioId: r.clioId,
      xeroId: r.xeroId,
      hash: r.hash,
      snapshot: r.snapshot,
      ...(r.xeroNumber !== undefined ? { xeroNumber: r.xeroNumber } : {}),
      ...(r.parentClioId !== undefined ? { parentClioId: r.parentClioId } : {}),
      ...(r.clioEtag ? { clioEtag: r.clioEtag } : {}),
      ...(r.xeroHash ? { xeroHash: r.xeroHash } : {}),
    });
    await appendLog(db, ctx.firmId, [
      { kind, clioId: r.clioId, xeroId: r.xeroId, action: r.action, reason: r.reason, beforeHash: r.beforeHash ?? null, afterHash: r.hash, detail: r.detail },
    ]);
    await resolveFailures(db, ctx.firmId, kind, [r.clioId]);
  });
}

/** The record's Xero twin was deleted (or voided) because of what happened in Clio: kept linked, marked so. */
export async function removedInXero(
  ctx: SyncContext,
  kind: LinkKind,
  r: { clioId: string; link: LinkRow; status: 'DELETED' | 'VOIDED'; reason: string; parentClioId?: string | null; clioEtag?: string },
): Promise<void> {
  await succeeded(ctx, kind, {
    clioId: r.clioId,
    xeroId: r.link.xeroId!,
    hash: `${r.status}:${r.link.lastPushedHash ?? ''}`,
    beforeHash: r.link.lastPushedHash,
    snapshot: { ...r.link.snapshot, status: r.status },
    action: r.status === 'DELETED' ? 'delete' : 'void',
    reason: r.reason,
    ...(r.parentClioId !== undefined ? { parentClioId: r.parentClioId } : {}),
    ...(r.clioEtag ? { clioEtag: r.clioEtag } : {}),
  });
}

export async function failed(
  ctx: SyncContext,
  kind: LinkKind,
  clioId: string,
  failure: RecordFailure,
  opts: { dropClaim: boolean; xeroId?: string | null },
): Promise<void> {
  ctx.logger.info({ firmId: ctx.firmId, kind, clioId, code: failure.code }, 'record failed');
  await inTransaction(ctx.db, async (db) => {
    await recordFailed(db, ctx.firmId, kind, clioId, failure, opts);
    await appendLog(db, ctx.firmId, [{ kind, clioId, xeroId: opts.xeroId ?? null, action: 'fail', reason: failure.code, detail: { detail: failure.detail } }]);
    await recordFailureGroup(db, ctx.firmId, kind, clioId, failure);
  });
}

export async function waiting(ctx: SyncContext, kind: LinkKind, clioId: string, reason: string, parentClioId?: string): Promise<void> {
  await inTransaction(ctx.db, async (db) => {
    await recordWaiting(db, ctx.firmId, kind, clioId, reason, parentClioId);
    await resolveFailures(db, ctx.firmId, kind, [clioId]);
  });
}

/** A record held for an admin's choice: link, history and the Status tab's group together. */
export async function conflicted(ctx: SyncContext, kind: LinkKind, r: { clioId: string; xeroId: string | null; snapshot: LinkSnapshot; detail: string }): Promise<void> {
  await inTransaction(ctx.db, async (db) => {
    await recordConflict(db, ctx.firmId, kind, r.clioId, r.snapshot, r.detail);
    await appendLog(db, ctx.firmId, [
      { kind, clioId: r.clioId, xeroId: r.xeroId, action: 'skip', reason: 'SYNC_CONFLICT', detail: r.snapshot.conflict, direction: 'xero_to_clio' },
    ]);
    await recordFailureGroup(db, ctx.firmId, kind, r.clioId, { code: 'SYNC_CONFLICT', detail: r.detail });
  });
}

/**
 * A problem reported on a record without changing its sync state (a payment Clio would not take):
 * grouped under its own kind, so the bill's next successful push does not clear it.
 */
export async function reported(
  ctx: SyncContext,
  kind: LinkKind,
  groupKind: string,
  r: { clioId: string; xeroId: string | null; failure: RecordFailure; detail?: unknown },
): Promise<void> {
  ctx.logger.info({ firmId: ctx.firmId, kind, clioId: r.clioId, code: r.failure.code }, 'record problem reported');
  await inTransaction(ctx.db, async (db) => {
    await appendLog(db, ctx.firmId, [
      {
        kind,
        clioId: r.clioId,
        xeroId: r.xeroId,
        action: 'fail',
        reason: r.failure.code,
        detail: { detail: r.failure.detail, ...(r.detail ? { xero: r.detail } : {}) },
        direction: 'xero_to_clio',
      },
    ]);
    await recordFailureGroup(db, ctx.firmId, groupKind, r.clioId, r.failure);
  });
}

/** A record that waited or failed and no longer needs to reach Xero (voided in Clio before it got there). */
export async function ignored(ctx: SyncContext, kind: LinkKind, clioId: string): Promise<void> {
  await inTransaction(ctx.db, async (db) => {
    await recordIgnored(db, ctx.firmId, kind, clioId);
    await resolveFailures(db, ctx.firmId, kind, [clioId]);
  });
}

/**
 * Both sides hold the same content after a merge: the link's two hashes, the history line (when
 * either side was written) and the record leaving its groups, together.
 */
export async function reconciled(
  ctx: SyncContext,
  kind: LinkKind,
  r: { link: Parameters<typeof recordReconciled>[3]; log: Omit<LogEntry, 'kind' | 'clioId'> | null },
): Promise<void> {
  await inTransaction(ctx.db, async (db) => {
    await recordReconciled(db, ctx.firmId, kind, r.link);
    if (r.log) await appendLog(db, ctx.firmId, [{ kind, clioId: r.link.clioId, ...r.log }]);
    await resolveFailures(db, ctx.firmId, kind, [r.link.clioId]);
  });
}
