import type { Database } from '../db/database';
import type { XeroChart } from './chart';
import { fieldErrorsFromZod, parsableSettings, syncSettingsSchema } from './model';
import { getSettings, saveSettings } from './repository';
import { validateSettings } from './validate';
import type { FieldErrors, SyncSettings } from '../api-contract';
import type { ClioTaxRates } from './clio-lookups';

/** The firm's chart of accounts and tax rates, or null when the firm has no usable Xero connection. */
export type LoadXeroChart = (firmId: string) => Promise<XeroChart | null>;

/** Clio's billing tax rates, or null when Clio cannot say now (the per-bill check still guards). */
export type LoadClioTaxRates = () => Promise<ClioTaxRates | null>;

/** The settings were not saved: each field that needs attention, with a plain message. */
export class SettingsInvalidError extends Error {
  override name = 'SettingsInvalidError';
  constructor(readonly fieldErrors: FieldErrors) {
    super(`settings invalid: ${Object.keys(fieldErrors).join(', ')}`);
  }
}

/**
 * "Update sync settings": the payload is parsed, checked against the organisation's current
 * chart (fetched now, not cached, so an account archived a minute ago is caught), and saved only
 * when nothing is wrong; otherwise throws SettingsInvalidError with every field's problem at once
 * (a malformed email does not hide a date range out of order, nor a missing account).
 */
export async function updateSettings(
  db: Database,
  loadChart: LoadXeroChart,
  firmId: string,
  input: unknown,
  loadClioTax: LoadClioTaxRates = async () => null,
): Promise<SyncSettings> {
  const parsed = syncSettingsSchema.safeParse(input);
  const shapeErrors = parsed.success ? {} : fieldErrorsFromZod(parsed.error, input);
  const checkable = parsed.success ? parsed.data : parsableSettings(input);
  if (!checkable) throw new SettingsInvalidError(shapeErrors);
  const [chart, clioTax] = await Promise.all([loadChart(firmId), loadClioTax()]);
  // A malformed field's own message wins over what the checks make of it being unset.
  const fieldErrors = { ...validateSettings(checkable, chart, clioTax), ...shapeErrors };
  if (!parsed.success || Object.keys(fieldErrors).length > 0) throw new SettingsInvalidError(fieldErrors);
  await saveSettings(db, firmId, parsed.data);
  const saved = await getSettings(db, firmId);
  if (!saved) throw new Error(`settings row of firm ${firmId} vanished while saving`);
  return saved;
}
