import type { ClioClient } from '../clio/client';
import type { ClioBankAccount, ClioCategory } from '../api-contract';
import type { CategoryKind } from '../domain/kinds';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

type Named = { id: number | string; name: string };

/** The activity descriptions and expense categories an account override can be set for. */
export async function loadClioCategories(clio: ClioClient): Promise<ClioCategory[]> {
  const [descriptions, expenseCategories] = await Promise.all([
    collect(clio.list<Named>('/activity_descriptions.json', { fields: 'id,name' })),
    collect(clio.list<Named>('/expense_categories.json', { fields: 'id,name' })),
  ]);
  const category =
    (kind: CategoryKind) =>
    (c: Named): ClioCategory => ({ kind, id: String(c.id), name: c.name });
  return [...descriptions.map(category('activity_description')), ...expenseCategories.map(category('expense_category'))];
}

/** Operating bank accounts, where payments made in Xero are recorded; client funds (trust) never are. */
export async function loadClioBankAccounts(clio: ClioClient): Promise<ClioBankAccount[]> {
  const banks = await collect(clio.list<Named & { type?: string }>('/bank_accounts.json', { fields: 'id,name,type' }));
  return banks.filter((b) => !/trust/i.test(b.type ?? '')).map((b) => ({ id: String(b.id), name: b.name }));
}

/** The rates Clio taxes bills at (Settings → Billing): what a taxed line's Xero rate must equal. */
export interface ClioTaxRates {
  taxRate: number;
  /** Null unless the firm uses a secondary tax. */
  secondaryTaxRate: number | null;
}

export async function loadClioTaxRates(clio: ClioClient): Promise<ClioTaxRates> {
  const s = await clio.get<{ tax_rate?: number | null; secondary_tax_rate?: number | null; use_secondary_tax?: boolean | null }>('/settings/billing.json', {
    fields: 'tax_rate,secondary_tax_rate,use_secondary_tax',
  });
  return { taxRate: Number(s.tax_rate ?? 0), secondaryTaxRate: s.use_secondary_tax ? Number(s.secondary_tax_rate ?? 0) : null };
}
