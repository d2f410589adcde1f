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
