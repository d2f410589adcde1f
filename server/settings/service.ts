import type { Database } from '../db/database';
import type { XeroChart } from './chart';
import { fieldErrorsFromZod, syncSettingsSchema, type FieldErrors, type SyncSettings } from './model';
import { getSettings, saveSettings } from './repository';
import { validateSettings } from './validate';

/** The firm's chart of accounts and tax rates, or null when the firm has no usable Xero connection. */
export type LoadXeroChart = (firmId: string) => Promise<XeroChart | null>;

export type UpdateResult = { ok: true; settings: SyncSettings } | { ok: false; fieldErrors: FieldErrors };

/**
 * "Update sync settings": the payload is parsed, checked against the organisation's current
 * chart (fetched now, not cached, so an account archived a minute ago is caught), and saved only
 * when nothing is wrong.
 */
export async function updateSettings(
  db: Database,
  loadChart: LoadXeroChart,
  firmId: string,
  input: unknown,
): Promise<UpdateResult> {
  const parsed = syncSettingsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsFromZod(parsed.error, input) };
  const fieldErrors = validateSettings(parsed.data, await loadChart(firmId));
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };
  await saveSettings(db, firmId, parsed.data);
  const saved = await getSettings(db, firmId);
  if (!saved) throw new Error(`settings row of firm ${firmId} vanished while saving`);
  return { ok: true, settings: saved };
}
