import type { Database } from '../db/database';
import type { XeroOrgClient } from './client';
import { storeXeroCurrencies } from './connections-repository';

/** Reads the organisation's enabled currencies (GET /Currencies) and keeps them with the connection. */
export async function refreshXeroCurrencies(db: Database, xero: XeroOrgClient, opts: { store: boolean } = { store: true }): Promise<string[]> {
  const codes = await xero.getCurrencyCodes();
  xero.enabledCurrencies = codes;
  if (opts.store) await storeXeroCurrencies(db, xero.connectionId, codes);
  return codes;
}
