import { invalid } from './errors';
import type { Address, Contact, EmailAddress, PhoneNumber } from './records';
import type { ClioState } from './state';
import { isoSeconds, type Row } from './store';
import { createHash } from 'node:crypto';

/** A write body for a contact, as the API accepts it (also used by the control API and the seed). */
export interface ContactInput {
  type?: string;
  name?: string;
  first_name?: string | null;
  middle_name?: string | null;
  last_name?: string | null;
  prefix?: string | null;
  title?: string | null;
  date_of_birth?: string | null;
  sales_tax_number?: string | null;
  ledes_client_id?: string | null;
  company?: { id: number } | null;
  email_addresses?: NestedInput[];
  phone_numbers?: NestedInput[];
  addresses?: NestedInput[];
}

export type NestedInput = Record<string, unknown> & { id?: number; _destroy?: boolean };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SCALARS = ['first_name', 'middle_name', 'last_name', 'prefix', 'title', 'date_of_birth', 'sales_tax_number', 'ledes_client_id'] as const;

export function createContact(state: ClioState, input: ContactInput): Contact {
  if (input.type !== 'Person' && input.type !== 'Company') throw invalid('Type must be Person or Company');
  const draft = applyScalars(state, emptyContact(input.type), input);
  if (input.type === 'Company' && !draft.name) throw invalid("Name can't be blank");
  if (input.type === 'Person' && !draft.first_name && !draft.last_name) {
    throw invalid('First name or last name must be present');
  }
  const withNested = applyNested(state, draft, input);
  return state.contacts.insert(withNested);
}

export function updateContact(state: ClioState, contact: Contact, input: ContactInput): Contact {
  if (input.type !== undefined && input.type !== contact.type) throw invalid('Type cannot be changed');
  const { id: _id, etag: _etag, created_at: _c, updated_at: _u, ...current } = contact;
  const next = applyNested(state, applyScalars(state, current, input), input);
  if (contact.type === 'Person' && !next.first_name && !next.last_name) {
    throw invalid('First name or last name must be present');
  }
  return state.contacts.update(contact.id, next);
}

type ContactData = Omit<Contact, keyof Row>;

function emptyContact(type: 'Person' | 'Company'): ContactData {
  return {
    type,
    name: '',
    first_name: null,
    middle_name: null,
    last_name: null,
    prefix: null,
    title: null,
    date_of_birth: null,
    company_id: null,
    is_client: false,
    is_co_counsel: false,
    sales_tax_number: null,
    ledes_client_id: null,
    email_addresses: [],
    phone_numbers: [],
    addresses: [],
  };
}

function applyScalars(state: ClioState, contact: ContactData, input: ContactInput): ContactData {
  const next = { ...contact };
  for (const key of SCALARS) if (input[key] !== undefined) next[key] = input[key] ?? null;
  if (input.company !== undefined) {
    const company = input.company ? state.contacts.get(input.company.id) : undefined;
    if (input.company && company?.type !== 'Company') throw invalid('Company must be an existing company contact');
    next.company_id = company?.id ?? null;
  }
  if (next.type === 'Person') {
    // Clio derives a person's display name from its parts; a bare `name` is only split when no parts are sent.
    if (input.name && input.first_name === undefined && input.last_name === undefined) {
      const parts = input.name.trim().split(/\s+/);
      next.last_name = parts.length > 1 ? (parts.pop() ?? null) : null;
      next.first_name = parts.join(' ') || null;
    }
    next.name = [next.first_name, next.middle_name, next.last_name].filter(Boolean).join(' ');
  } else if (input.name !== undefined) {
    next.name = input.name.trim();
  }
  return next;
}

function applyNested(state: ClioState, contact: ContactData, input: ContactInput): ContactData {
  const now = isoSeconds(state.clock.now());
  const stamp = <T extends Row>(fields: Omit<T, keyof Row>, previous?: T): T => {
    const id = previous?.id ?? state.ids.next();
    const etag = `"${createHash('md5').update(JSON.stringify({ id, fields, now })).digest('hex')}"`;
    return { ...fields, id, etag, created_at: previous?.created_at ?? now, updated_at: now } as T;
  };
  return {
    ...contact,
    email_addresses: mergeNested(contact.email_addresses, input.email_addresses, 'default_email', (item, prev) => {
      const address = str(item.address) ?? prev?.address;
      if (!address || !EMAIL.test(address)) throw invalid(`Email address ${address ?? ''} is invalid`);
      return stamp<EmailAddress>({ address, name: str(item.name) ?? prev?.name ?? 'Other', primary: prev?.primary ?? false }, prev);
    }),
    phone_numbers: mergeNested(contact.phone_numbers, input.phone_numbers, 'default_number', (item, prev) => {
      const number = str(item.number) ?? prev?.number;
      if (!number) throw invalid("Phone number can't be blank");
      return stamp<PhoneNumber>({ number, name: str(item.name) ?? prev?.name ?? 'Other', primary: prev?.primary ?? false }, prev);
    }),
    addresses: mergeNested(contact.addresses, input.addresses, 'primary', (item, prev) =>
      stamp<Address>(
        {
          street: pick(item, 'street', prev?.street),
          city: pick(item, 'city', prev?.city),
          province: pick(item, 'province', prev?.province),
          postal_code: pick(item, 'postal_code', prev?.postal_code),
          country: pick(item, 'country', prev?.country),
          name: str(item.name) ?? prev?.name ?? 'Other',
          primary: prev?.primary ?? false,
        },
        prev,
      ),
    ),
  };
}

/**
 * Clio's nested-array write: an item with `id` updates that entry (or deletes it with `_destroy`),
 * an item without `id` adds one, entries not mentioned stay. One entry is always the primary.
 */
function mergeNested<T extends Row & { primary: boolean }>(
  current: T[],
  items: NestedInput[] | undefined,
  defaultFlag: string,
  build: (item: NestedInput, previous: T | undefined) => T,
): T[] {
  if (items === undefined) return current;
  if (!Array.isArray(items)) throw invalid('Nested collections must be arrays');
  let result = [...current];
  let chosenPrimary: number | undefined;
  for (const item of items) {
    const previous = item.id === undefined ? undefined : result.find((r) => r.id === item.id);
    if (item.id !== undefined && !previous) throw invalid(`Nested record ${item.id} does not belong to this contact`);
    if (item._destroy) {
      if (!previous) throw invalid('_destroy needs the id of an existing entry');
      result = result.filter((r) => r.id !== previous.id);
      continue;
    }
    const built = build(item, previous);
    result = previous ? result.map((r) => (r.id === built.id ? built : r)) : [...result, built];
    if (item[defaultFlag] === true) chosenPrimary = built.id;
  }
  const primaryId = chosenPrimary ?? result.find((r) => r.primary)?.id ?? result[0]?.id;
  return result.map((r) => (r.primary === (r.id === primaryId) ? r : { ...r, primary: r.id === primaryId }));
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function pick(item: NestedInput, key: string, previous: string | null | undefined): string | null {
  return key in item ? (str(item[key]) ?? null) : (previous ?? null);
}
