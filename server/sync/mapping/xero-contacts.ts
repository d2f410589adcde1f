import type { Contact } from 'xero-node';
import type { ClioContact } from './clio-records';
import { addressDraft, addressSlots, clip, phoneSlots, primaryEmail } from './contacts';
import { canonicalJson } from './hash';
import type { ContactDraft } from './xero-drafts';
import type { FieldConflictView } from '../../api-contract';

/**
 * The Xero → Clio direction for contacts. Both sides are compared in one shape, the fields both
 * services have (ContactDraft, as the push builds it from Clio): a Xero contact is projected onto
 * it, a three-way merge against the last agreed version decides per field, and the result becomes
 * a Clio PATCH that touches only the entries it changes. Xero-only fields (account numbers, tax
 * numbers, contact persons, area codes) are not part of the shape, so they never reach Clio.
 */

export type SharedField = keyof ContactDraft;
export const SHARED_FIELDS: SharedField[] = ['name', 'firstName', 'lastName', 'emailAddress', 'phones', 'addresses'];

const PHONE_TYPES = ['DEFAULT', 'DDI', 'MOBILE', 'FAX'] as const;
type PhoneType = (typeof PHONE_TYPES)[number];

/** A Xero contact's shared fields, normalised exactly as clioContactToXero normalises Clio's. */
export function xeroContactToShared(x: Contact): ContactDraft {
  const out: ContactDraft = { name: clip(x.name, 255) ?? '', phones: [], addresses: [] };
  const first = clip(x.firstName, 255);
  const last = clip(x.lastName, 255);
  if (first) out.firstName = first;
  if (last) out.lastName = last;
  const email = clip(x.emailAddress, 255);
  if (email) out.emailAddress = email;
  for (const p of x.phones ?? []) {
    const type = String(p.phoneType) as PhoneType;
    const number = clip(p.phoneNumber, 50);
    if (number && PHONE_TYPES.includes(type) && !out.phones.some((o) => o.phoneType === type)) out.phones.push({ phoneType: type, phoneNumber: number });
  }
  out.phones.sort((a, b) => a.phoneType.localeCompare(b.phoneType));
  for (const type of ['POBOX', 'STREET'] as const) {
    const a = (x.addresses ?? []).find((e) => String(e.addressType) === type);
    if (!a) continue;
    const line = [a.addressLine1, a.addressLine2, a.addressLine3, a.addressLine4].filter((l) => l?.trim()).join(', ');
    const address = addressDraft(type, { line, city: a.city, region: a.region, postalCode: a.postalCode, country: a.country });
    // The same rule as Clio's side: an address with no street, city or postcode is not an address.
    if (address.addressLine1 || address.city || address.postalCode) out.addresses.push(address);
  }
  return out;
}

/** Key order is not content (a base read back from jsonb comes with its keys reordered). */
export const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

export interface FieldConflict extends FieldConflictView {
  field: SharedField;
}

export interface Merge {
  merged: ContactDraft;
  conflicts: FieldConflict[];
}

/**
 * Per shared field: changed on one side only → that side's value; on both, to the same value →
 * that value; on both, differently → a conflict, unless the admin chose which side to keep.
 */
export function mergeShared(base: ContactDraft, clio: ContactDraft, xero: ContactDraft, keep?: 'clio' | 'xero'): Merge {
  const merged = { ...clio } as Record<SharedField, unknown>;
  const conflicts: FieldConflict[] = [];
  for (const field of SHARED_FIELDS) {
    const c = clio[field];
    const x = xero[field];
    const clioChanged = !same(c, base[field]);
    const xeroChanged = !same(x, base[field]);
    if (xeroChanged && !clioChanged) merged[field] = x;
    else if (xeroChanged && clioChanged && !same(c, x)) {
      if (keep) merged[field] = keep === 'clio' ? c : x;
      else conflicts.push({ field, clio: c ?? null, xero: x ?? null });
    }
  }
  for (const field of SHARED_FIELDS) if (merged[field] === undefined) delete merged[field];
  return { merged: merged as unknown as ContactDraft, conflicts };
}

/** A contact created under a disambiguated name: Clio keeps the plain name. */
export const clioNameOf = (xeroName: string, clioId: number | string): string => xeroName.replace(new RegExp(` \\(Clio ${clioId}\\)$`), '');

type Nested = Record<string, unknown> & { id?: number; _destroy?: boolean };
const PHONE_NAME: Record<PhoneType, string> = { DEFAULT: 'Work', DDI: 'Other', MOBILE: 'Mobile', FAX: 'Fax' };

/**
 * The Clio PATCH body that makes `contact` hold `want` in the shared fields, or undefined when it
 * already does. Entries are addressed by id (Clio's nested writes): changed in place, added, or
 * removed with `_destroy`; entries the shape does not cover (a third phone, say) are left alone.
 */
export function clioContactPatch(contact: ClioContact, want: ContactDraft): Record<string, unknown> | undefined {
  const body: Record<string, unknown> = {};
  if (contact.type === 'Person') {
    if ((want.firstName ?? null) !== (clip(contact.first_name, 255) ?? null)) body.first_name = want.firstName ?? null;
    if ((want.lastName ?? null) !== (clip(contact.last_name, 255) ?? null)) body.last_name = want.lastName ?? null;
    // Clio derives a person's name from its parts; a Xero name for a person with no parts is split by Clio.
    if (!want.firstName && !want.lastName && clioNameOf(want.name, contact.id) !== contact.name) body.name = clioNameOf(want.name, contact.id);
  } else if (clioNameOf(want.name, contact.id) !== contact.name.trim()) body.name = clioNameOf(want.name, contact.id);

  const emails: Nested[] = [];
  const currentEmail = primaryEmail(contact.email_addresses);
  if ((currentEmail ? clip(currentEmail.address, 255) : undefined) !== want.emailAddress) {
    if (want.emailAddress && currentEmail?.id !== undefined) emails.push({ id: currentEmail.id, address: want.emailAddress });
    else if (want.emailAddress) emails.push({ address: want.emailAddress, name: 'Work', primary: true });
    else if (currentEmail?.id !== undefined) emails.push({ id: currentEmail.id, _destroy: true });
  }
  if (emails.length) body.email_addresses = emails;

  const phones: Nested[] = [];
  const slots = phoneSlots(contact.phone_numbers);
  for (const type of PHONE_TYPES) {
    const wanted = want.phones.find((p) => p.phoneType === type)?.phoneNumber;
    const entry = slots.get(type);
    const current = entry ? clip(entry.number, 50) : undefined;
    if (wanted === current) continue;
    if (wanted && entry?.id !== undefined) phones.push({ id: entry.id, number: wanted });
    else if (wanted) phones.push({ number: wanted, name: PHONE_NAME[type] });
    else if (entry?.id !== undefined) phones.push({ id: entry.id, _destroy: true });
  }
  if (phones.length) body.phone_numbers = phones;

  const addresses: Nested[] = [];
  const places = addressSlots(contact.addresses);
  for (const type of ['POBOX', 'STREET'] as const) {
    const wanted = want.addresses.find((a) => a.addressType === type);
    const entry = places.get(type);
    const fields = wanted
      ? {
          street: wanted.addressLine1 ?? null,
          city: wanted.city ?? null,
          province: wanted.region ?? null,
          postal_code: wanted.postalCode ?? null,
          country: wanted.country ?? null,
        }
      : undefined;
    const unchanged =
      entry &&
      fields &&
      (Object.keys(fields) as (keyof typeof fields)[]).every(
        (k) => (fields[k] ?? undefined) === (clip(entry[k], k === 'street' ? 500 : k === 'postal_code' || k === 'country' ? 50 : 255) ?? undefined),
      );
    if (unchanged || (!wanted && !entry)) continue;
    if (fields && entry?.id !== undefined) addresses.push({ id: entry.id, ...fields });
    else if (fields) addresses.push({ ...fields, name: type === 'POBOX' ? 'Billing' : 'Work' });
    else if (entry?.id !== undefined) addresses.push({ id: entry.id, _destroy: true });
  }
  if (addresses.length) body.addresses = addresses;
  return Object.keys(body).length ? body : undefined;
}
