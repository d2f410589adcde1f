import { z } from 'zod';
import { clioId, saneIsoDate } from '../validation/inputs';
import { type CategoryAccount, categoryFieldKey, type FieldErrors, type SyncSettings } from '../api-contract';
import { CATEGORY_KINDS } from '../domain/kinds';

const accountCode = z.string().trim().min(1, 'Choose an account.').max(10, 'Xero account codes are at most 10 characters.').nullable();
const taxType = z.string().trim().min(1, 'Choose a tax rate.').max(50).nullable();
const isoDate = saneIsoDate().nullable();

export const categoryAccountSchema = z.object({
  clioKind: z.enum(CATEGORY_KINDS),
  clioId: clioId('Clio ids are whole numbers without leading zeros.'),
  accountCode: z.string().trim().min(1, 'Choose an account.').max(10),
});

/** Every setting of product.md's "Bill Syncing → Xero" page, as the API sends and accepts it. */
export const syncSettingsSchema = z.strictObject({
  syncBills: z.boolean(),
  onlyApprovedBills: z.boolean(),
  billDateFrom: isoDate,
  billDateTo: isoDate,
  invoiceStatus: z.enum(['DRAFT', 'AUTHORISED'], { message: 'Choose draft or awaiting payment.' }),
  timeAccountCode: accountCode,
  expenseAccountCode: accountCode,
  interestAccountCode: accountCode,
  creditNoteAccountCode: accountCode,
  /** pro_rata: a credit note reverses the tax of the bill it credits; untaxed: it carries none. */
  creditNoteTaxMode: z.enum(['pro_rata', 'untaxed'], { message: 'Choose how credit notes are taxed.' }),
  timeTaxType: taxType,
  expenseTaxType: taxType,
  interestTaxType: taxType,
  /** For time entries and expenses Clio leaves untaxed: a 0 % rate (exempt, zero-rated or out of scope). */
  timeUntaxedTaxType: taxType,
  expenseUntaxedTaxType: taxType,
  paymentBankAccountCode: accountCode,
  syncFromXero: z.boolean(),
  clioPaymentBankAccountId: clioId('Choose a Clio bank account.').nullable(),
  syncHardCosts: z.boolean(),
  hardCostStartDate: isoDate,
  hardCostAccountCode: accountCode,
  hardCostBankAccountCode: accountCode,
  sweepIntervalMinutes: z
    .number({ message: 'Enter a number of minutes.' })
    .int('Enter a whole number of minutes.')
    .min(1, 'Check at least every 1 minute.')
    .max(1440, 'Check at least once a day (1440 minutes).'),
  notifyEmail: z.email({ message: 'Enter an email address such as accounts@example.com.' }).nullable(),
  /** One email a day with the new failure groups, instead of one email per group as it appears. */
  notifyDigest: z.boolean().optional(),
  categoryAccounts: z.array(categoryAccountSchema).max(2000),
});
// The API contract spells the settings out for the UI; the build fails when it and the schema differ.
true satisfies SameShape<z.infer<typeof syncSettingsSchema>, SyncSettings>;
type SameShape<A, B> = [A, keyof A] extends [B, keyof B] ? ([B, keyof B] extends [A, keyof A] ? true : false) : false;
export type SettingsField = keyof SyncSettings;

/** The settings without which no bill can be mapped (by their labels); until they are saved nothing is sent. */
export function missingForSync(s: SyncSettings): string[] {
  const required: [SettingsField, string][] = [
    ['timeAccountCode', 'time entries account'],
    ['expenseAccountCode', 'expenses account'],
    ['timeTaxType', 'time entries tax rate'],
    ['expenseTaxType', 'expenses tax rate'],
  ];
  return required.filter(([k]) => !s[k]).map(([, label]) => label);
}

const UNSET: SyncSettings = {
  syncBills: false,
  onlyApprovedBills: false,
  billDateFrom: null,
  billDateTo: null,
  invoiceStatus: 'AUTHORISED',
  timeAccountCode: null,
  expenseAccountCode: null,
  interestAccountCode: null,
  creditNoteAccountCode: null,
  creditNoteTaxMode: 'pro_rata',
  timeTaxType: null,
  expenseTaxType: null,
  interestTaxType: null,
  timeUntaxedTaxType: null,
  expenseUntaxedTaxType: null,
  paymentBankAccountCode: null,
  syncFromXero: false,
  clioPaymentBankAccountId: null,
  syncHardCosts: false,
  hardCostStartDate: null,
  hardCostAccountCode: null,
  hardCostBankAccountCode: null,
  sweepIntervalMinutes: 1,
  notifyEmail: null,
  categoryAccounts: [],
};

/**
 * What a refused payload still says, so one save reports every problem at once: each field that
 * parses on its own keeps its value, each other one is left unset (null, off, or a value no check
 * looks at). Checks that need a refused field (a range whose start is malformed) then stay quiet,
 * and the refused field carries its own message. Null when the payload is not an object at all.
 */
export function parsableSettings(input: unknown): SyncSettings | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return null;
  const given = input as Record<string, unknown>;
  const settings: Record<string, unknown> = { ...UNSET };
  for (const [key, schema] of Object.entries(syncSettingsSchema.shape)) {
    const parsed = schema.safeParse(given[key]);
    if (parsed.success) settings[key] = parsed.data;
  }
  if (Array.isArray(given.categoryAccounts)) {
    settings.categoryAccounts = given.categoryAccounts.flatMap((row) => {
      const parsed = categoryAccountSchema.safeParse(row);
      return parsed.success ? [parsed.data] : [];
    });
  }
  return settings as unknown as SyncSettings;
}

/** zod's issues as one plain message per field (the first one: the user fixes one thing at a time). */
export function fieldErrorsFromZod(error: z.ZodError, input: unknown): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const [head, index] = issue.path;
    let key = String(head ?? 'form');
    if (head === 'categoryAccounts' && typeof index === 'number') {
      const row = (input as { categoryAccounts?: unknown[] })?.categoryAccounts?.[index] as Partial<CategoryAccount> | undefined;
      key = row?.clioKind && row.clioId ? categoryFieldKey({ clioKind: row.clioKind, clioId: row.clioId }) : `categoryAccounts.${index}`;
    }
    if (issue.code === 'unrecognized_keys') key = 'form';
    out[key] ??= issue.message;
  }
  return out;
}
