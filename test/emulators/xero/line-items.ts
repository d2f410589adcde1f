// Line items and totals with Xero's arithmetic: quantities to 4 dp, unit amounts to 2 dp unless
// unitdp=4, line amount rounded to 2 dp, tax computed and rounded per line, then summed.
import { findAccount, findTaxRate, type JsonObject, type LineAmountTypes, type LineItem, type Tenant } from './store';
import { round, round2, sum } from './money';

export interface LineOptions {
  unitdp: 2 | 4;
  lineAmountTypes: LineAmountTypes;
  existing: LineItem[];
  newId(): string;
  /** Bank transactions use expense accounts; sales documents revenue ones. Both must be active. */
  defaultTaxType: string;
}

export const parseUnitdp = (value: string | undefined): 2 | 4 => (value === '4' ? 4 : 2);

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

function tracking(tenant: Tenant, given: unknown, errors: string[]): JsonObject[] {
  if (given === undefined) return [];
  if (!Array.isArray(given)) {
    errors.push('Tracking must be an array');
    return [];
  }
  if (given.length > 2) errors.push('A line item can only have two tracking categories');
  return given.flatMap((t: JsonObject) => {
    const category = tenant.trackingCategories.find((c) =>
      (typeof t.TrackingCategoryID === 'string' && c.TrackingCategoryID === t.TrackingCategoryID.toLowerCase())
      || (typeof t.Name === 'string' && c.Name.toLowerCase() === t.Name.toLowerCase()));
    const option = category?.Options.find((o) =>
      (typeof t.TrackingOptionID === 'string' && o.TrackingOptionID === t.TrackingOptionID.toLowerCase())
      || (typeof t.Option === 'string' && o.Name.toLowerCase() === t.Option.toLowerCase()));
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
  const discount = num(input.DiscountRate) ?? previous?.DiscountRate;
  const givenLineAmount = num(input.LineAmount);
  let unit = num(input.UnitAmount);
  if (unit === undefined && givenLineAmount !== undefined && quantity !== 0) unit = givenLineAmount / quantity / (1 - (discount ?? 0) / 100);
  const unitAmount = round(unit ?? previous?.UnitAmount ?? 0, options.unitdp);
  const accountCode = typeof input.AccountCode === 'string' ? input.AccountCode
    : typeof input.AccountID === 'string' ? findAccount(tenant, { AccountID: input.AccountID })?.Code : previous?.AccountCode;
  const account = accountCode === undefined ? undefined : findAccount(tenant, { Code: accountCode });
  if (accountCode !== undefined && !account) lineErrors.push(`Account code '${accountCode}' is not a valid code for this document.`);
  if (account?.Status === 'ARCHIVED') lineErrors.push(`The account code '${accountCode}' has been archived, or has been deleted. Each line item must reference a valid account.`);
  if (account?.Type === 'BANK') lineErrors.push(`Account code '${accountCode}' is a bank account and cannot be used on a line item.`);
  const taxType = typeof input.TaxType === 'string' ? input.TaxType : previous?.TaxType ?? account?.TaxType ?? options.defaultTaxType;
  if (!findTaxRate(tenant, taxType)) lineErrors.push(`The TaxType code '${taxType}' does not exist or cannot be used with this type of transaction.`);
  const track = input.Tracking === undefined && previous ? previous.Tracking : tracking(tenant, input.Tracking, lineErrors);
  errors.push(...lineErrors);
  if (lineErrors.length > 0 || !description) return undefined;
  const lineAmount = round2(quantity * unitAmount * (1 - (discount ?? 0) / 100));
  const line: LineItem = {
    LineItemID: previous?.LineItemID ?? options.newId(), Description: description, Quantity: quantity, UnitAmount: unitAmount,
    ...(accountCode === undefined ? {} : { AccountCode: accountCode }),
    ...(typeof input.ItemCode === 'string' ? { ItemCode: input.ItemCode } : {}),
    TaxType: taxType, TaxAmount: 0, LineAmount: lineAmount,
    ...(discount === undefined ? {} : { DiscountRate: discount }),
    Tracking: track,
  };
  const override = num(input.TaxAmount);
  line.TaxAmount = override !== undefined && options.lineAmountTypes !== 'NoTax' ? round2(override) : taxFor(tenant, line, options.lineAmountTypes);
  return line;
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
    const LineAmount = round2(l.Quantity * unitAmount * (1 - (l.DiscountRate ?? 0) / 100));
    const line = { ...l, UnitAmount: unitAmount, LineAmount };
    return { ...line, TaxAmount: taxFor(tenant, line, options.lineAmountTypes) };
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
    Tracking: line.Tracking,
  };
}
