import type { ClioActivityType, ClioBillState, SyncRecordKind } from './kinds';

/**
 * A change a webhook told us of, its signature already checked: the record to sync, and the
 * receipt that makes a redelivery of the same change a no-op. Both webhook services produce
 * these; sync/ingest.ts stores the receipts and queues the work, the same way for both.
 */
export type VerifiedChange =
  | {
      source: 'clio';
      firmId: string;
      kind: SyncRecordKind<'clio'>;
      id: string;
      /** The webhook and the record version it delivered. */
      receipt: { webhookId: string; version: string };
      /** What the delivery said of the record, which can spare a read. */
      type?: ClioActivityType;
      state?: ClioBillState;
    }
  | {
      source: 'xero';
      firmId: string;
      kind: SyncRecordKind<'xero'>;
      id: string;
      receipt: { eventKey: string };
      /** Xero's time of the event: a change dated before our last write to the record is already in hand. */
      changedAt: string;
    };
