import type { ClioAddress, ClioContact, ClioPhone } from './clio-records';
import type { ContactDraft } from './xero-drafts';

/** Xero keeps names, emails and address lines to these lengths (OpenAPI: Contact). */
const MAX_NAME = 255;
const MAX_EMAIL = 255;
const MAX_LINE = 500;

export const clip = (s: string | null | undefined, max: number): string | undefined => {
  const t = s?.trim();
  return t ? t.slice(0, max) : undefined;
};

/** Primary first, then in Clio's order. */
const primaryFirst = <T extends { primary?: boolean | null }>(items: T[] | null | undefined): T[] =>
  [...(items ?? [])].sort((a, b) => Number(Boolean(b.primary)) - Number(Boolean(a.primary)));

/** The Xero ContactNumber we create a Clio contact under: unique per Clio contact, so a lost create is found again. */
export const contactNumberFor = (clioContactId: number | string): string => `CLIO-${clioContactId}`;

/**
 * Xero refuses a second active contact with the same name; two Clio clients may share one. The
 * newcomer gets its Clio id appended — a rule the firm can read on the contact, never a merge.
 */
export const disambiguatedName = (name: string, clioContactId: number | string): string => {
  const suffix = ` (Clio ${clioContactId})`;
  return `${name.trim().slice(0, MAX_NAME - suffix.length)}${suffix}`;
};

/** Xero holds one phone per type: Clio's mobile and fax numbers by their names, the first remaining number is the default, the next the direct line. */
export function phoneSlots<P extends ClioPhone>(list: P[] | null | undefined): Map<ContactDraft['phones'][number]['phoneType'], P> {
  const out = new Map<ContactDraft['phones'][number]['phoneType'], P>();
  let general = 0;
  for (const p of primaryFirst(list)) {
    if (!clip(p.number, 50)) continue;
    const kind = (p.name ?? '').toLowerCase();
    const type = kind === 'mobile' ? 'MOBILE' : kind === 'fax' ? 'FAX' : general++ === 0 ? 'DEFAULT' : general === 2 ? 'DDI' : undefined;
    if (type && !out.has(type)) out.set(type, p);
  }
  return out;
}

function phones(list: ClioPhone[] | null | undefined): ContactDraft['phones'] {
  return [...phoneSlots(list).entries()]
    .map(([phoneType, p]) => ({ phoneType, phoneNumber: clip(p.number, 50)! }))
    .sort((a, b) => a.phoneType.localeCompare(b.phoneType));
}

export interface AddressParts {
  line?: string | null | undefined;
  city?: string | null | undefined;
  region?: string | null | undefined;
  postalCode?: string | null | undefined;
  country?: string | null | undefined;
}

/** An address as both sides hold it: clipped to Xero's lengths, blank parts left out. */
export function addressDraft(addressType: 'POBOX' | 'STREET', parts: AddressParts): ContactDraft['addresses'][number] {
  const out: ContactDraft['addresses'][number] = { addressType };
  const line = clip(parts.line, MAX_LINE);
  if (line) out.addressLine1 = line;
  const city = clip(parts.city, 255);
  if (city) out.city = city;
  const region = clip(parts.region, 255);
  if (region) out.region = region;
  const postal = clip(parts.postalCode, 50);
  if (postal) out.postalCode = postal;
  const country = clip(parts.country, 50);
  if (country) out.country = country;
  return out;
}

const address = (a: ClioAddress, addressType: 'POBOX' | 'STREET') =>
  addressDraft(addressType, { line: a.street, city: a.city, region: a.province, postalCode: a.postal_code, country: a.country });

/** Billing (or primary) address is the postal one Xero prints on invoices; the next one is the street address. */
export function addressSlots<A extends ClioAddress>(list: A[] | null | undefined): Map<'POBOX' | 'STREET', A> {
  const sorted = [...primaryFirst(list)].sort((a, b) => Number(b.name === 'Billing') - Number(a.name === 'Billing'));
  const usable = sorted.filter((a) => a.street || a.city || a.postal_code);
  const out = new Map<'POBOX' | 'STREET', A>();
  if (usable[0]) out.set('POBOX', usable[0]);
  if (usable[1]) out.set('STREET', usable[1]);
  return out;
}

function addresses(list: ClioAddress[] | null | undefined): ContactDraft['addresses'] {
  return [...addressSlots(list).entries()].map(([type, a]) => address(a, type));
}

/** The email Xero holds: Clio's primary one (or its first). */
export const primaryEmail = <E extends { address: string; primary?: boolean | null }>(list: E[] | null | undefined): E | undefined => primaryFirst(list)[0];

/**
 * The fields both services have. `name` is the name the contact holds in Xero (a disambiguated one
 * once a collision made us choose it). Xero-only fields (account numbers, tax numbers, contact
 * persons, the ContactNumber of a contact we matched) are never part of the draft, so never overwritten.
 */
export function clioContactToXero(contact: ClioContact, name: string = contact.name): ContactDraft {
  const draft: ContactDraft = {
    name: clip(name, MAX_NAME) ?? `Clio contact ${contact.id}`,
    phones: phones(contact.phone_numbers),
    addresses: addresses(contact.addresses),
  };
  if (contact.type === 'Person') {
    const first = clip(contact.first_name, 255);
    const last = clip(contact.last_name, 255);
    if (first) draft.firstName = first;
    if (last) draft.lastName = last;
  }
  const email = clip(primaryEmail(contact.email_addresses)?.address, MAX_EMAIL);
  if (email) draft.emailAddress = email;
  return draft;
}
