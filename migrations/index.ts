import type { Migration } from 'kysely';
import * as foundation from './2026_11_25_0001_foundation';
import * as clioConnect from './2026_11_25_0002_clio_connect';
import * as xeroConnect from './2026_11_25_0003_xero_connect';
import * as contactMatches from './2026_11_25_0004_contact_matches';
import * as syncEngine from './2026_12_01_0005_sync_engine';
import * as workerHeartbeats from './2026_12_01_0006_worker_heartbeats';
import * as securityEvents from './2026_12_02_0010_security_events';
import * as firmPurge from './2026_12_02_0011_firm_purge';
import * as errorDismissals from './2026_12_02_0020_error_dismissals';
import * as sweepRotation from './2026_12_02_0030_sweep_rotation';
import * as progressKind from './2026_12_02_0040_progress_kind';
import * as linksParentIndex from './2026_12_02_0050_links_parent_index';
import * as xeroCurrencies from './2026_12_07_0130_xero_currencies';
import * as untaxedTaxTypes from './2026_12_08_0010_untaxed_tax_types';
import * as creditNoteTax from './2026_12_08_0020_credit_note_tax';
import * as approvedInvoiceDefault from './2026_12_08_0021_approved_invoice_default';

/**
 * Listed explicitly rather than read from the folder, so the migrator works the same under
 * tsx, vitest and any bundler (FileMigrationProvider depends on the files' runtime layout).
 * Keys sort in the order they must run.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_25_0001_foundation': foundation,
  '2026_11_25_0002_clio_connect': clioConnect,
  '2026_11_25_0003_xero_connect': xeroConnect,
  '2026_11_25_0004_contact_matches': contactMatches,
  '2026_12_01_0005_sync_engine': syncEngine,
  '2026_12_01_0006_worker_heartbeats': workerHeartbeats,
  '2026_12_02_0010_security_events': securityEvents,
  '2026_12_02_0011_firm_purge': firmPurge,
  '2026_12_02_0020_error_dismissals': errorDismissals,
  '2026_12_02_0030_sweep_rotation': sweepRotation,
  '2026_12_02_0040_progress_kind': progressKind,
  '2026_12_02_0050_links_parent_index': linksParentIndex,
  '2026_12_07_0130_xero_currencies': xeroCurrencies,
  '2026_12_08_0010_untaxed_tax_types': untaxedTaxTypes,
  '2026_12_08_0020_credit_note_tax': creditNoteTax,
  '2026_12_08_0021_approved_invoice_default': approvedInvoiceDefault,
};
