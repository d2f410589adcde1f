import type { Contact } from 'xero-node';
import type { ClioClient } from '../clio/client';
import type { ClioDeps } from '../clio/deps';
import { ClioNotConnectedError } from '../clio/errors';
import { openClioForUser } from '../clio/tokens';
import { type ClioClientContact, matchContacts, type XeroContactSummary } from '../sync/mapping/contact-matching';
import { openXeroForFirm, type XeroClientDeps, type XeroOrgClient } from '../xero/client';
import { XeroNotConnectedError } from '../xero/errors';
import { insertContactLink } from '../sync/links';
import { replaceOpenReviews, settledContacts } from './repository';

export type ContactMatchingDeps = ClioDeps & XeroClientDeps;

interface ClioContactRow {
  id: number;
  name: string;
  is_client: boolean;
  email_addresses?: { address: string; primary: boolean }[];
}

const XERO_PAGE_SIZE = 1000;

async function readClioClients(clio: ClioClient): Promise<ClioClientContact[]> {
  const clients: ClioClientContact[] = [];
  for await (const c of clio.list<ClioContactRow>('/contacts.json', {
    fields: 'id,name,is_client,email_addresses{address,primary}',
    query: { client_only: true },
  })) {
    const emails = [...(c.email_addresses ?? [])].sort((a, b) => Number(b.primary) - Number(a.primary)).map((e) => e.address);
    clients.push({ id: String(c.id), name: c.name, isClient: c.is_client, emails });
  }
  return clients;
}

/** Archived contacts too: a namesake there blocks creating the contact again, so the admin must see it. */
async function readXeroContacts(xero: XeroOrgClient): Promise<XeroContactSummary[]> {
  const all: Contact[] = [];
  for (let page = 1; ; page++) {
    const batch = await xero.getContacts({ page, pageSize: XERO_PAGE_SIZE, includeArchived: true });
    all.push(...batch);
    if (batch.length < XERO_PAGE_SIZE) break;
  }
  return all.flatMap((c) =>
    c.contactID && c.name ? [{ id: c.contactID, name: c.name, email: c.emailAddress || null, status: String(c.contactStatus ?? 'ACTIVE') }] : [],
  );
}

/**
 * Matching on connect: reads the firm's Clio clients (with an admin's token, which sees every
 * contact) and its Xero contacts, links the certain pairs and lists the doubtful ones for review.
 * Safe to run again: existing links and settled reviews are kept. A firm that is not connected on
 * both sides has nothing to match, which is not a failure worth retrying.
 */
export async function matchFirmContacts(deps: ContactMatchingDeps, firmId: string): Promise<void> {
  let clio: ClioClient;
  let xero: XeroOrgClient;
  try {
    [clio, xero] = await Promise.all([openClioForUser(deps, firmId), openXeroForFirm(deps, firmId)]);
  } catch (err) {
    if (!(err instanceof ClioNotConnectedError || err instanceof XeroNotConnectedError)) throw err;
    deps.logger.info({ firmId, reason: err.message }, 'contact matching skipped: not connected');
    return;
  }
  const [clioClients, xeroContacts] = await Promise.all([readClioClients(clio), readXeroContacts(xero)]);
  const plan = matchContacts(clioClients, xeroContacts, await settledContacts(deps.db, firmId));
  let linked = 0;
  for (const link of plan.links) if ((await insertContactLink(deps.db, firmId, link)) === 'linked') linked++;
  await replaceOpenReviews(deps.db, firmId, plan.reviews);
  deps.logger.info({ firmId, clioClients: clioClients.length, xeroContacts: xeroContacts.length, linked, reviews: plan.reviews.length }, 'contacts matched');
}
