import type { AccountOption, AccountPickers, AccountPurpose, ChartTaxRate } from '../api-contract';

/**
 * The parts of a Xero organisation's chart of accounts and tax rates that settings depend on,
 * in our own shape so validation and the pickers stay independent of the Xero client's models.
 */
export interface ChartAccount {
  id: string;
  code: string | null;
  name: string;
  type: string;
  status: string;
  systemAccount: string | null;
}

export interface XeroChart {
  accounts: ChartAccount[];
  taxRates: ChartTaxRate[];
}

/** What each account picker may offer; Xero rejects lines and payments posted to other types. */
export const ACCOUNT_PURPOSES = {
  revenue: ['REVENUE', 'SALES', 'OTHERINCOME'],
  expense: ['EXPENSE', 'DIRECTCOSTS', 'OVERHEADS'],
  bank: ['BANK'],
} as const satisfies Record<AccountPurpose, readonly string[]>;

export const BANK_WITHOUT_CODE_REASON = "This bank account has no code in Xero; add one in Xero's chart of accounts to use it";

const PURPOSE_NOUN: Record<AccountPurpose, string> = {
  revenue: 'an income (revenue, sales or other income) account',
  expense: 'an expense (expense, direct costs or overheads) account',
  bank: 'a bank account',
};

function fits(account: ChartAccount, purpose: AccountPurpose): boolean {
  return (ACCOUNT_PURPOSES[purpose] as readonly string[]).includes(account.type);
}

/**
 * Accounts offered in each picker: active, of a fitting type, never a system account
 * (Xero manages those itself). A bank account without a code stays visible but disabled,
 * so the user learns why it cannot be chosen instead of wondering where it went.
 */
export function accountPickers(accounts: ChartAccount[]): AccountPickers {
  const pick = (purpose: AccountPurpose): AccountOption[] =>
    accounts
      .filter((a) => a.status === 'ACTIVE' && !a.systemAccount && fits(a, purpose))
      .filter((a) => a.code !== null || purpose === 'bank')
      .map((a) => ({
        code: a.code,
        name: a.name,
        type: a.type,
        disabled: a.code === null,
        ...(a.code === null ? { reason: BANK_WITHOUT_CODE_REASON } : {}),
      }))
      // Usable accounts in code order; the disabled ones after them.
      .sort((x, y) => Number(x.disabled) - Number(y.disabled) || (x.code ?? '').localeCompare(y.code ?? '') || x.name.localeCompare(y.name));
  return { revenue: pick('revenue'), expense: pick('expense'), bank: pick('bank') };
}

/** The organisation's own tax rates that can be used now. */
export function activeTaxRates(taxRates: ChartTaxRate[]): ChartTaxRate[] {
  return taxRates.filter((t) => t.status === 'ACTIVE').sort((a, b) => a.name.localeCompare(b.name));
}

/** Why `code` cannot be used for `purpose`, in words a firm administrator can act on; null when it can. */
export function accountProblem(accounts: ChartAccount[], code: string, purpose: AccountPurpose): string | null {
  const matches = accounts.filter((a) => a.code === code);
  const account = matches[0];
  if (!account) return `Account ${code} no longer exists in Xero's chart of accounts. Choose another account.`;
  if (matches.length > 1) return `More than one Xero account has the code ${code}. Give each account its own code in Xero.`;
  if (account.status !== 'ACTIVE') {
    return `${account.name} (${code}) is archived in Xero. Restore it in Xero or choose another account.`;
  }
  if (account.systemAccount) return `${account.name} (${code}) is a Xero system account and cannot be used here.`;
  if (!fits(account, purpose)) return `${account.name} (${code}) is not ${PURPOSE_NOUN[purpose]}. Choose ${PURPOSE_NOUN[purpose]}.`;
  return null;
}
