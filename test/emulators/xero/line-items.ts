// Line items and totals with Xero's arithmetic: quantities to 4 dp, unit amounts to 2 dp unless
// unitdp=4, line amount rounded to 2 dp, tax computed and rounded per line, then summed.
import { findAccount, findTaxRate, type Account, type JsonObject, type LineAmountTypes, type LineItem, type TaxRate, type Tenant } from './store';
import { round, round2, sum } from './money';

export interface LineOptions {
  unitdp: 2 | 4;
  lineAmountTypes: LineAmountTypes;
  existing: LineItem[];
  newId(): string;
  /** Bank transactions use expense accounts; sales documents revenue ones. Both must be active. */
  defaultTaxType: string;
  /**
   * Line discounts (DiscountRate / DiscountAmount) are ACCREC-only. Otherwise this names the
   * document kind for the refusal message.
   */
  discounts: 'allowed' | 'Credit Note' | 'Bank Transaction';
}

/**
 * System accounts Xero keeps for itself. Source: Xero developer community discussion 92539695 —
 * a line on Accounts Receivable (code 120 there) was refused with "Account code '120' is not a
 * valid code for this document." and Xero staff explained that an account with a SystemAccount
 * value "is used by Xero for internal functions and you cannot post transactions to them". The
 * ROUNDING account is the exception: xero-api.md §8 recommends rounding lines to it, so it is
 * accepted.
 */
const POSTABLE_SYSTEM_ACCOUNTS = new Set(['ROUNDING']);

/** Xero's tax rate constraints: which account classes a rate may be used with (seed.ts lists them). */
function taxRateFitsAccount(rate: TaxRate, account: Account): boolean {
  switch (account.Class) {
    case 'ASSET':
      return rate.CanApplyToAssets;
    case 'EQUITY':
      return rate.CanApplyToEquity;
    case 'EXPENSE':
      return rate.CanApplyToExpenses;
    case 'LIABILITY':
      return rate.CanApplyToLiabilities;
    case 'REVENUE':
      return rate.CanApplyToRevenue;
    default:
      return true;
  }
}

/** A line that carries no money (description-only heading line) may stand without an account. */
export const needsAccount = (line: LineItem): boolean => !line.AccountCode && !line.ItemCode && (line.UnitAmount !== 0 || line.LineAmount !== 0);

/**
 * Source: Xero developer community discussion 141447324 (a line without AccountCode on an
 * invoice: validation error "Account code or ID must be specified"); also Khaos Control and
 * Recurly support articles quoting the same message. DRAFT invoices and credit notes may lack
 * accounts; SUBMITTED/AUTHORISED ones and every SPEND/RECEIVE bank transaction may not.
 */
export const ACCOUNT_REQUIRED = 'Account code or ID must be specified';

export const parseUnitdp = (value: string | undefined): 2 | 4 => (value === '4' ? 4 : 2);

const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;

function tracking(tenant: Tenant, given: unknown, errors: string[]): JsonObject[] {
  if (given === undefined) return [];
  if (!Array.isArray(given)) {
    errors.push('Tracking must be an array');
    return [];
  }
  if (given.length > 2) errors.push('A line item can only have two tracking categories');
  return given.flatMap((t: JsonObject) => {
    const category = tenant.trackingCategories.find(
      (c) =>
        (typeof t.TrackingCategoryID === 'string' && c.TrackingCategoryID === t.TrackingCategoryID.toLowerCase()) ||
        (typeof t.Name === 'string' && c.Name.toLowerCase() === t.Name.toLowerCase()),
    );
    const option = category?.Options.find(
      (o) =>
        (typeof t.TrackingOptionID === 'string' && o.TrackingOptionID === t.TrackingOptionID.toLowerCase()) ||
        (typeof t.Option === 'string' && o.Name.toLowerCase() === t.Option.toLowerCase()),
    );
    if (!category || !option) {
      errors.push(`The tracking category "${String(t.Name ?? t.TrackingCategoryID)}" option "${String(t.Option ?? t.TrackingOptionID)}" does not exist`);
      return [];
    }
    return [{ Name: category.Name, Option: option.Name, TrackingCategoryID: category.TrackingCategoryID, TrackingOptionID: option.TrackingOptionID }];
  });
}

function taxFor(tenant: Tenant, line: { LineAmount: number; TaxType: string }, types: LineAmountTypes): number {
  const rate = findTaxRate(tenant, line.TaxType)?.Rate ?? 0;
  if (types === 'NoTax') return 0;
  return types === 'Exclusive' ? round2((line.LineAmount * rate) / 100) : round2((line.LineAmount * rate) / (100 + rate));
}

/** Builds one line from client input; errors are pushed, Xero style, as plain messages. */
export function buildLine(tenant: Tenant, input: JsonObject, options: LineOptions, errors: string[]): LineItem | undefined {
  const lineErrors: string[] = [];
  const id = typeof input.LineItemID === 'string' ? input.LineItemID.toLowerCase() : undefined;
  const previous = id ? options.existing.find((l) => l.LineItemID === id) : undefined;
  if (id && !previous) lineErrors.push(`LineItemID ${id} does not belong to this document`);
  const description = typeof input.Description === 'string' ? input.Description : previous?.Description;
  if (!description) lineErrors.push('The description field is mandatory for each line item.');
  const quantity = round(num(input.Quantity) ?? previous?.Quantity ?? 1, 4);
  const givenRate = num(input.DiscountRate);
  const givenAmount = num(input.DiscountAmount);
  if (options.discounts !== 'allowed' && ((givenRate ?? 0) !== 0 || (givenAmount ?? 0) !== 0)) {
    // The OpenAPI LineItem descriptions: "Only supported on ACCREC invoices and quotes. ACCPAY
    // invoices and credit notes in Xero do not support discounts." Whether the service ignores
    // or refuses them is not documented; we refuse so a discount can never vanish silently.
    // UNCONFIRMED wording.
    lineErrors.push(`Discounts (DiscountRate or DiscountAmount) are not supported on a ${options.discounts} line item.`);
  }
  if (givenRate !== undefined && givenAmount !== undefined) {
    // Only one of the two may be set on a line (Xero invoices documentation, as quoted in
    // XeroAPI/xero-mcp-server issue #91). UNCONFIRMED wording.
    lineErrors.push('A line item can have either a DiscountRate or a DiscountAmount, not both.');
  }
  // A line keeps the discount kind it was given; sending one kind replaces the other.
  const discount = givenAmount !== undefined ? undefined : (givenRate ?? previous?.DiscountRate);
  const discountAmount = givenRate !== undefined ? undefined : givenAmount !== undefined ? round2(givenAmount) : previous?.DiscountAmount;
  const givenLineAmount = num(input.LineAmount);
  let unit = num(input.UnitAmount);
  if (unit === undefined && givenLineAmount !== undefined && quantity !== 0) {
    unit = discountAmount !== undefined ? (givenLineAmount + discountAmount) / quantity : givenLineAmount / quantity / (1 - (discount ?? 0) / 100);
  }
  const unitAmount = round(unit ?? previous?.UnitAmount ?? 0, options.unitdp);
  const gross = round2(quantity * unitAmount);
  if (discountAmount !== undefined && discountAmount > gross) {
    // Source: XeroAPI/Xero-OpenAPI issue #429 — the service's message for a DiscountAmount above
    // the line total (even 0 on a negative line), which it words as a "discount rate".
    lineErrors.push(`The discount rate '${discountAmount.toFixed(2)}' is invalid. Discount must not be greater than the line total.`);
  }
  const accountId = typeof input.AccountID === 'string' ? input.AccountID : undefined;
  const accountCode =
    typeof input.AccountCode === 'string' ? input.AccountCode : accountId !== undefined ? findAccount(tenant, { AccountID: accountId })?.Code : previous?.AccountCode;
  if (accountId !== undefined && typeof input.AccountCode !== 'string' && accountCode === undefined) {
    lineErrors.push(`Account ID '${accountId}' is not a valid account for this document.`); // UNCONFIRMED wording
  }
  const account = accountCode === undefined ? undefined : findAccount(tenant, { Code: accountCode });
  if (accountCode !== undefined && !account) lineErrors.push(`Account code '${accountCode}' is not a valid code for this document.`);
  if (account?.Status === 'ARCHIVED')
    lineErrors.push(`The account code '${accountCode}' has been archived, or has been deleted. Each line item must reference a valid account.`);
  if (account?.Type === 'BANK') lineErrors.push(`Account code '${accountCode}' is a bank account and cannot be used on a line item.`);
  // Source: Xero developer community discussion 92539695 (see POSTABLE_SYSTEM_ACCOUNTS).
  if (account?.SystemAccount && !POSTABLE_SYSTEM_ACCOUNTS.has(account.SystemAccount)) {
    lineErrors.push(`Account code '${accountCode}' is not a valid code for this document.`);
  }
  const taxType = typeof input.TaxType === 'string' ? input.TaxType : (previous?.TaxType ?? account?.TaxType ?? options.defaultTaxType);
  const rate = findTaxRate(tenant, taxType);
  if (!rate) lineErrors.push(`The TaxType code '${taxType}' does not exist or cannot be used with this type of transaction.`);
  // Source: Xero's tax rate constraints (developer.xero.com/documentation/api/accounting/taxrates,
  // "Sending a line item with a tax rate that can't be used with the line's account code will
  // generate the error ..."); also the WorkGuru and Chargebee Xero error guides.
  else if (account && !taxRateFitsAccount(rate, account)) lineErrors.push(`The TaxType code '${taxType}' cannot be used with account code '${accountCode}'.`);
  const track = input.Tracking === undefined && previous ? previous.Tracking : tracking(tenant, input.Tracking, lineErrors);
  errors.push(...lineErrors);
  if (lineErrors.length > 0 || !description) return undefined;
  const lineAmount = lineAmountOf(quantity, unitAmount, discount, discountAmount);
  const lineTotalError = givenLineAmountError(input, lineAmount);
  if (lineTotalError) {
    errors.push(lineTotalError);
    return undefined;
  }
  const line: LineItem = {
    LineItemID: previous?.LineItemID ?? options.newId(),
    Description: description,
    Quantity: quantity,
    UnitAmount: unitAmount,
    ...(accountCode === undefined ? {} : { AccountCode: accountCode }),
    ...(typeof input.ItemCode === 'string' ? { ItemCode: input.ItemCode } : previous?.ItemCode ? { ItemCode: previous.ItemCode } : {}),
    TaxType: taxType,
    TaxAmount: 0,
    LineAmount: lineAmount,
    ...(discount === undefined ? {} : { DiscountRate: discount }),
    ...(discountAmount === undefined ? {} : { DiscountAmount: discountAmount }),
    Tracking: track,
  };
  const override = num(input.TaxAmount);
  // The TaxAmount override is honoured (and kept through later re-pricing) except on NoTax documents.
  if (override !== undefined && options.lineAmountTypes !== 'NoTax') {
    line.TaxAmount = round2(override);
    line.taxOverride = true;
  } else {
    line.TaxAmount = taxFor(tenant, line, options.lineAmountTypes);
  }
  return line;
}

/**
 * Bank transactions take no TaxAmount other than Xero's own. Source: XeroAPI/xero-node issue 768
 * (a SPEND with an adjusted TaxAmount: "Tax amount 52.23 is incorrect for INPUT2 tax type, should
 * be 52.28"); invoices and credit notes still honour the override.
 */
export function bankTaxAmountErrors(tenant: Tenant, lines: LineItem[], types: LineAmountTypes): string[] {
  return lines.flatMap((l) => {
    const own = taxFor(tenant, l, types);
    return l.taxOverride && l.TaxAmount !== own ? [`Tax amount ${l.TaxAmount.toFixed(2)} is incorrect for ${l.TaxType} tax type, should be ${own.toFixed(2)}`] : [];
  });
}

/**
 * A LineAmount sent beside a UnitAmount must be the line total Xero computes (Quantity × UnitAmount
 * less the discount, to 2 dp); Xero does not let it override the arithmetic. Source: XeroAPI/
 * Xero-NetStandard issue 74 ("The line total 1.00 does not match the expected line total 0.00",
 * LineAmount 1 on Quantity 1 × 795.00 at DiscountRate 100) and issue 412 (the same refusal on
 * purchase orders); compared at 2 dp as both figures are printed. Issues 74 and 147 also report
 * Xero misreading a LineAmount of 0.00 as the undiscounted total; that quirk is not modelled
 * (UNCONFIRMED in README.md) and no product path sends LineAmount.
 */
function givenLineAmountError(input: JsonObject, expected: number): string | undefined {
  const given = num(input.LineAmount);
  if (given === undefined || num(input.UnitAmount) === undefined || round2(given) === expected) return undefined;
  return `The line total ${round2(given).toFixed(2)} does not match the expected line total ${expected.toFixed(2)}`;
}

/** DiscountRate: round2(Q × U × (1 − rate/100)); DiscountAmount: round2(Q × U) − amount. */
function lineAmountOf(quantity: number, unitAmount: number, rate: number | undefined, amount: number | undefined): number {
  if (amount !== undefined) return round2(round2(quantity * unitAmount) - amount);
  return round2(quantity * unitAmount * (1 - (rate ?? 0) / 100));
}

export function buildLines(tenant: Tenant, inputs: unknown, options: LineOptions, errors: string[]): LineItem[] {
  if (!Array.isArray(inputs)) {
    errors.push('LineItems must be an array');
    return [];
  }
  return inputs.flatMap((input: JsonObject) => buildLine(tenant, input, options, errors) ?? []);
}

/** Re-prices stored lines, e.g. when LineAmountTypes changes or a write without unitdp=4 re-saves them. */
export function repriceLines(tenant: Tenant, lines: LineItem[], options: LineOptions): LineItem[] {
  return lines.map((l) => {
    const unitAmount = round(l.UnitAmount, options.unitdp);
    const LineAmount = lineAmountOf(l.Quantity, unitAmount, l.DiscountRate, l.DiscountAmount);
    const line = { ...l, UnitAmount: unitAmount, LineAmount };
    if (l.taxOverride && options.lineAmountTypes !== 'NoTax') return line;
    const { taxOverride: _dropped, ...rest } = line;
    return { ...rest, TaxAmount: taxFor(tenant, line, options.lineAmountTypes) };
  });
}

export function totals(lines: LineItem[], types: LineAmountTypes): { SubTotal: number; TotalTax: number; Total: number } {
  const TotalTax = sum(lines.map((l) => l.TaxAmount));
  const gross = sum(lines.map((l) => l.LineAmount));
  const SubTotal = types === 'Inclusive' ? round2(gross - TotalTax) : gross;
  return { SubTotal, TotalTax, Total: round2(SubTotal + TotalTax) };
}

export function lineJson(line: LineItem, unitdp: 2 | 4, tenant: Tenant): JsonObject {
  const account = line.AccountCode === undefined ? undefined : findAccount(tenant, { Code: line.AccountCode });
  return {
    LineItemID: line.LineItemID,
    Description: line.Description,
    Quantity: line.Quantity,
    UnitAmount: round(line.UnitAmount, unitdp),
    ...(line.ItemCode ? { ItemCode: line.ItemCode } : {}),
    ...(line.AccountCode ? { AccountCode: line.AccountCode } : {}),
    ...(account ? { AccountID: account.AccountID } : {}),
    TaxType: line.TaxType,
    TaxAmount: line.TaxAmount,
    LineAmount: line.LineAmount,
    ...(line.DiscountRate === undefined ? {} : { DiscountRate: line.DiscountRate }),
    ...(line.DiscountAmount === undefined ? {} : { DiscountAmount: line.DiscountAmount }),
    Tracking: line.Tracking,
  };
}
