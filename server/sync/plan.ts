import type { ClioBill } from './mapping/clio-records';
import type { RecordFailure } from './errors';
import type { LinkRow } from './links';
import type { Mapped } from './mapping/xero-drafts';
import type { PreviewItem } from '../api-contract';

/**
 * What a sync would do with each record, decided without I/O from the record, its link and its
 * mapped payload. The writer carries out a plan; the dry run returns it.
 */

export interface PlanItem<D = unknown> extends PreviewItem {
  draft?: D;
  hash?: string;
  failure?: RecordFailure;
}

export interface BillScopeSettings {
  syncBills: boolean;
  onlyApprovedBills: boolean;
  billDateFrom: string | null;
  billDateTo: string | null;
}

export type BillScope = { in: true } | { in: false; reason: string; end?: 'void' | 'delete' };

const APPROVED: ClioBill['state'][] = ['awaiting_payment', 'paid'];
const UNAPPROVED: ClioBill['state'][] = ['draft', 'awaiting_approval'];

/** Which bills the firm's settings send to Xero, and what a void or delete means for a linked one. */
export function billScope(bill: ClioBill, s: BillScopeSettings, linked: boolean): BillScope {
  if (bill.state === 'void') return linked ? { in: false, reason: 'voided in Clio', end: 'void' } : { in: false, reason: 'voided in Clio before it reached Xero' };
  if (bill.state === 'deleted') return linked ? { in: false, reason: 'deleted in Clio', end: 'delete' } : { in: false, reason: 'deleted in Clio before it reached Xero' };
  if (!s.syncBills) return { in: false, reason: 'bill syncing is off in the settings' };
  const date = bill.issued_at.slice(0, 10);
  // A bill already in Xero keeps following its edits even if the date range later moves past it.
  if (!linked && s.billDateFrom && date < s.billDateFrom) return { in: false, reason: `issued ${date}, before the sync's start date ${s.billDateFrom}` };
  if (!linked && s.billDateTo && date > s.billDateTo) return { in: false, reason: `issued ${date}, after the sync's end date ${s.billDateTo}` };
  if (APPROVED.includes(bill.state)) return { in: true };
  if (UNAPPROVED.includes(bill.state)) return s.onlyApprovedBills && !linked ? { in: false, reason: 'not approved yet (only approved bills sync)' } : { in: true };
  return { in: false, reason: `state ${bill.state}` };
}

/**
 * billScope's rules that need only a bill's state: whether a bill in this state, never linked,
 * could be in scope whatever its date (a webhook names the state before the bill is read).
 */
export function unlinkedBillMayBeInScope(state: ClioBill['state'], s: BillScopeSettings): boolean {
  if (!s.syncBills) return false;
  return APPROVED.includes(state) || (UNAPPROVED.includes(state) && !s.onlyApprovedBills);
}

/** Create, update or skip, from the link and the hash of what the record should now be in Xero. */
export function planPush<D>(kind: string, clioId: string, label: string, link: LinkRow | undefined, mapped: Mapped<D>, hash: string | undefined): PlanItem<D> {
  if (!mapped.ok) return { kind, clioId, label, action: 'fail', reason: mapped.problem.detail, failure: { code: mapped.problem.code, detail: mapped.problem.detail } };
  const base = { kind, clioId, label, draft: mapped.value, ...(hash ? { hash } : {}) };
  if (!link?.xeroId) {
    return { ...base, action: 'create', reason: link?.claimedAt ? 'an earlier attempt may have created it: look it up first' : 'not in Xero yet' };
  }
  if (link.lastPushedHash === hash && link.state === 'synced') return { ...base, action: 'skip', reason: 'unchanged since the last sync' };
  return { ...base, action: 'update', reason: link.lastPushedHash ? 'changed in Clio' : 'first push of a linked record' };
}
