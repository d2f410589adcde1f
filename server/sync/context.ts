import type { ClioClient } from '../clio/client';
import type { Database } from '../db/database';
import type { Logger } from '../log';
import type { Contact } from 'xero-node';
import type { XeroOrgClient } from '../xero/client';
import type { ClioContact } from './mapping/clio-records';
import type { XeroTaxBook } from './mapping/invoices';
import type { PlanItem } from './plan';
import type { SyncSettings } from '../api-contract';

/** One firm's sync run: its settings, both clients and its database handle. */
export interface SyncContext {
  firmId: string;
  db: Database;
  clio: ClioClient;
  xero: XeroOrgClient;
  settings: SyncSettings;
  /** The firm's Clio host (per region), for links back to records. */
  clioWebUrl: string;
  logger: Logger;
  /** A dry run plans and reads, and writes nothing — not to Xero, not to our tables. */
  dryRun: boolean;
  /** Every decision of the run, in order; the dry run returns it. */
  plan: PlanItem[];
  /** When the run began: what it wrote itself since is as it left it. */
  startedAt: Date;
  /** Bills whose draft invoice this run has already looked at again in Xero (once a run is enough). */
  draftsChecked?: Set<string>;
  /** The organisation's tax rates and rounding account, read once a run (sync/xero-tax.ts). */
  xeroTax?: XeroTaxBook;
  /** The organisation's currencies were read again in this run (once a run is enough). */
  currenciesReread?: boolean;
  /**
   * The organisation's contacts, read once when a run has many clients to find (a backfill) and
   * kept current with what the run creates; looking each one up would cost a call per 25 names.
   */
  xeroContacts?: Contact[];
  /** Clio contacts the sweep listed in this run, so a backfill does not read its clients a second time. */
  clioContacts?: Map<string, ClioContact>;
}

export const clioBillUrl = (ctx: SyncContext, billId: number | string) => `${ctx.clioWebUrl}/nc/#/bills/${billId}`;
export const clioActivityUrl = (ctx: SyncContext, activityId: number | string) => `${ctx.clioWebUrl}/nc/#/activities/${activityId}`;
