import { sql } from 'kysely';
import type { Database } from '../db/database';
import type { Settings } from '../db/schema';
import type { CategoryAccount, SyncSettings } from '../api-contract';

function fromRow(row: Settings, categories: CategoryAccount[]): SyncSettings {
  return {
    syncBills: row.sync_bills,
    onlyApprovedBills: row.only_approved_bills,
    billDateFrom: row.bill_date_from,
    billDateTo: row.bill_date_to,
    invoiceStatus: row.invoice_status,
    timeAccountCode: row.time_account_code,
    expenseAccountCode: row.expense_account_code,
    interestAccountCode: row.interest_account_code,
    creditNoteAccountCode: row.credit_note_account_code,
    creditNoteTaxMode: row.credit_note_tax_mode,
    timeTaxType: row.time_tax_type,
    expenseTaxType: row.expense_tax_type,
    interestTaxType: row.interest_tax_type,
    timeUntaxedTaxType: row.time_untaxed_tax_type,
    expenseUntaxedTaxType: row.expense_untaxed_tax_type,
    paymentBankAccountCode: row.payment_bank_account_code,
    syncFromXero: row.sync_from_xero,
    clioPaymentBankAccountId: row.clio_payment_bank_account_id,
    syncHardCosts: row.sync_hard_costs,
    hardCostStartDate: row.hard_cost_start_date,
    hardCostAccountCode: row.hard_cost_account_code,
    hardCostBankAccountCode: row.hard_cost_bank_account_code,
    sweepIntervalMinutes: row.sweep_interval_minutes,
    notifyEmail: row.notify_email,
    notifyDigest: row.notify_digest,
    categoryAccounts: categories,
  };
}

/** The firm's settings; every firm has a row from the moment it is created (upsertFirm). */
export async function getSettings(db: Database, firmId: string): Promise<SyncSettings | undefined> {
  const row = await db.selectFrom('settings').selectAll().where('firm_id', '=', firmId).executeTakeFirst();
  if (!row) return undefined;
  const categories = await db
    .selectFrom('category_accounts')
    .select(['clio_kind', 'clio_id', 'xero_account_code'])
    .where('firm_id', '=', firmId)
    .orderBy('clio_kind')
    .orderBy('clio_id')
    .execute();
  return fromRow(
    row,
    categories.map((c) => ({ clioKind: c.clio_kind, clioId: String(c.clio_id), accountCode: c.xero_account_code })),
  );
}

/** Replaces the firm's settings and category overrides in one transaction. */
export async function saveSettings(db: Database, firmId: string, s: SyncSettings): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('settings')
      .set({
        sync_bills: s.syncBills,
        only_approved_bills: s.onlyApprovedBills,
        bill_date_from: s.billDateFrom,
        bill_date_to: s.billDateTo,
        invoice_status: s.invoiceStatus,
        time_account_code: s.timeAccountCode,
        expense_account_code: s.expenseAccountCode,
        interest_account_code: s.interestAccountCode,
        credit_note_account_code: s.creditNoteAccountCode,
        credit_note_tax_mode: s.creditNoteTaxMode,
        time_tax_type: s.timeTaxType,
        expense_tax_type: s.expenseTaxType,
        interest_tax_type: s.interestTaxType,
        time_untaxed_tax_type: s.timeUntaxedTaxType,
        expense_untaxed_tax_type: s.expenseUntaxedTaxType,
        payment_bank_account_code: s.paymentBankAccountCode,
        sync_from_xero: s.syncFromXero,
        clio_payment_bank_account_id: s.clioPaymentBankAccountId,
        sync_hard_costs: s.syncHardCosts,
        hard_cost_start_date: s.hardCostStartDate,
        hard_cost_account_code: s.hardCostAccountCode,
        hard_cost_bank_account_code: s.hardCostBankAccountCode,
        sweep_interval_minutes: s.sweepIntervalMinutes,
        notify_email: s.notifyEmail,
        notify_digest: s.notifyDigest ?? false,
        updated_at: sql`now()`,
      })
      .where('firm_id', '=', firmId)
      .executeTakeFirst();
    // Every firm gets its settings row when it is created; a missing one is a bug, not a user error.
    if (updated.numUpdatedRows === 0n) throw new Error(`firm ${firmId} has no settings row`);
    await trx.deleteFrom('category_accounts').where('firm_id', '=', firmId).execute();
    if (s.categoryAccounts.length > 0) {
      await trx
        .insertInto('category_accounts')
        .values(
          s.categoryAccounts.map((c) => ({
            firm_id: firmId,
            clio_kind: c.clioKind,
            clio_id: c.clioId,
            xero_account_code: c.accountCode,
          })),
        )
        .execute();
    }
  });
}
