// Contacts: create/update rules (unique active names, archive/restore, GDPR lock) and the routes.
import { Hono, type Context } from 'hono';
import type { ApiEnv } from './api-env';
import { failed, readElements, respondBatch, type BatchShape, type ElementResult } from './batch';
import { newId, notifyChange, type EmulatorContext } from './context';
import { msDate } from './dates';
import { list } from './listing';
import { badRequest, envelope, notFound } from './responses';
import { byId, type Contact, type JsonObject, type Tenant } from './store';

const WRITABLE = [
  'ContactNumber',
  'AccountNumber',
  'FirstName',
  'LastName',
  'CompanyNumber',
  'EmailAddress',
  'ContactPersons',
  'BankAccountDetails',
  'TaxNumber',
  'AccountsReceivableTaxType',
  'AccountsPayableTaxType',
  'Addresses',
  'Phones',
  'DefaultCurrency',
  'Website',
  'SalesDefaultAccountCode',
  'PurchasesDefaultAccountCode',
  'PaymentTerms',
  'Discount',
] as const;

export const CONTACT_SHAPE: BatchShape = { key: 'Contacts', idField: 'ContactID', errorFlag: 'HasValidationErrors' };

/** Xero always returns both address kinds and the four phone kinds, blank when unset. */
function withDefaults(given: unknown, kindField: string, kinds: string[]): JsonObject[] {
  const list = Array.isArray(given) ? (given as JsonObject[]) : [];
  return kinds.map((kind) => list.find((e) => e[kindField] === kind) ?? { [kindField]: kind }).concat(list.filter((e) => !kinds.includes(String(e[kindField]))));
}

export function contactJson(contact: Contact): JsonObject {
  const { Addresses, Phones, ContactPersons, ...rest } = contact.fields;
  return {
    ContactID: contact.ContactID,
    ContactStatus: contact.ContactStatus,
    Name: contact.Name,
    ...rest,
    Addresses: withDefaults(Addresses, 'AddressType', ['POBOX', 'STREET']),
    Phones: withDefaults(Phones, 'PhoneType', ['DDI', 'DEFAULT', 'FAX', 'MOBILE']),
    ContactPersons: Array.isArray(ContactPersons) ? ContactPersons : [],
    UpdatedDateUTC: msDate(contact.updatedAt),
    ContactGroups: [],
    IsSupplier: contact.isSupplier,
    IsCustomer: contact.isCustomer,
    HasAttachments: false,
    HasValidationErrors: false,
  };
}

/** The short form embedded in invoices, credit notes and payments. */
export const contactSummary = (contact: Contact): JsonObject => ({
  ContactID: contact.ContactID,
  ...(typeof contact.fields.ContactNumber === 'string' ? { ContactNumber: contact.fields.ContactNumber } : {}),
  Name: contact.Name,
  ContactStatus: contact.ContactStatus,
  HasValidationErrors: false,
});

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export const findActiveByName = (tenant: Tenant, name: string): Contact | undefined =>
  [...tenant.contacts.values()].find((c) => c.ContactStatus === 'ACTIVE' && sameName(c.Name, name));

export type ContactWrite = 'create' | 'update' | 'upsert';

export type ContactOutcome = { contact: Contact; created: boolean } | { errors: string[]; contactId?: string };

/**
 * Applies one Contact element. `upsert` is POST: an element without ContactID updates the active
 * contact with the same ContactNumber or Name, as Xero does, and creates otherwise.
 */
export function writeContact(ctx: EmulatorContext, tenant: Tenant, input: JsonObject, mode: ContactWrite): ContactOutcome {
  const id = typeof input.ContactID === 'string' ? input.ContactID : undefined;
  let existing = byId(tenant.contacts, id);
  if (id !== undefined && !existing) return { errors: [`Contact with ID ${id} could not be found`] };
  if (!existing && mode === 'upsert') {
    existing =
      (typeof input.ContactNumber === 'string' ? [...tenant.contacts.values()].find((c) => c.fields.ContactNumber === input.ContactNumber) : undefined) ??
      (typeof input.Name === 'string' ? findActiveByName(tenant, input.Name) : undefined);
  }
  if (!existing && mode === 'update') return { errors: ['A ContactID must be supplied to update a contact'] };

  const errors: string[] = [];
  if (existing?.ContactStatus === 'GDPRREQUEST') {
    return { errors: ['This contact has been removed under a GDPR request and cannot be edited'], contactId: existing.ContactID };
  }
  const name = typeof input.Name === 'string' ? input.Name.trim() : existing?.Name;
  if (!name) errors.push('The contact name must be specified');
  else if (name.length > 255) errors.push('The contact name must be 255 characters or fewer');
  const status = input.ContactStatus ?? existing?.ContactStatus ?? 'ACTIVE';
  if (status !== 'ACTIVE' && status !== 'ARCHIVED') errors.push(`ContactStatus ${String(status)} cannot be set through the API`);
  if (name && status === 'ACTIVE') {
    const clash = findActiveByName(tenant, name);
    if (clash && clash !== existing) {
      errors.push(`The contact name ${name} is already assigned to another contact. The contact name must be unique across all active contacts.`);
    }
  }
  // Source: Xero developer community discussion 142913826 — the API answered a create with
  // "The contact number 042XXXXXXX is already assigned to another contact. The contact number must
  // be unique across all contacts." (Xero staff: ContactNumber is unique; names, phones and emails
  // aside). WorkGuru's Xero error guide quotes a UI-style variant, "Another contact has this contact
  // number. Please enter a different contact number."; we use the API's words. Archived contacts
  // count too ("across all contacts").
  if (typeof input.ContactNumber === 'string' && input.ContactNumber !== '') {
    const number = input.ContactNumber;
    const holder = [...tenant.contacts.values()].find((c) => c !== existing && c.fields.ContactNumber === number);
    if (holder) errors.push(`The contact number ${number} is already assigned to another contact. The contact number must be unique across all contacts.`);
  }
  if (typeof input.EmailAddress === 'string' && input.EmailAddress !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.EmailAddress)) {
    errors.push('Email address must be valid.');
  }
  if (errors.length > 0 || !name) return { errors, ...(existing ? { contactId: existing.ContactID } : {}) };

  const fields: JsonObject = { ...(existing?.fields ?? {}) };
  for (const key of WRITABLE) if (input[key] !== undefined) fields[key] = input[key];
  const contact: Contact = existing ?? {
    ContactID: newId(ctx),
    ContactStatus: 'ACTIVE',
    Name: name,
    fields,
    isCustomer: false,
    isSupplier: false,
    updatedAt: ctx.clock.now(),
  };
  Object.assign(contact, { Name: name, ContactStatus: status, fields, updatedAt: ctx.clock.now() });
  tenant.contacts.set(contact.ContactID, contact);
  notifyChange(ctx, tenant, 'CONTACT', contact.ContactID, existing ? 'UPDATE' : 'CREATE');
  return { contact, created: !existing };
}

export function contactResult(outcome: ContactOutcome, input: JsonObject): ElementResult {
  return 'errors' in outcome ? failed(input, CONTACT_SHAPE, outcome.errors, outcome.contactId) : { ok: true, body: contactJson(outcome.contact) };
}

export function contactRoutes(ctx: EmulatorContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const env = { newId: () => newId(ctx), now: () => ctx.clock.now() };

  app.get('/Contacts', (c) => {
    const tenant = c.get('tenant');
    const searchTerm = c.req.query('searchTerm')?.toLowerCase();
    const records = [...tenant.contacts.values()].filter(
      (contact) =>
        !searchTerm ||
        [contact.Name, contact.fields.FirstName, contact.fields.LastName, contact.fields.EmailAddress, contact.fields.ContactNumber].some(
          (v) => typeof v === 'string' && v.toLowerCase().includes(searchTerm),
        ),
    );
    const listed = list(c, {
      records,
      toJson: contactJson,
      updatedAt: (r) => r.updatedAt,
      idField: 'ContactID',
      fullWhenUnpaged: true,
      archived: (r) => r.ContactStatus !== 'ACTIVE',
      defaultOrder: (a, b) => String(a.Name).localeCompare(String(b.Name)),
    });
    if (typeof listed === 'string') return badRequest(c, listed);
    return c.json(envelope(env, 'Contacts', listed.items, listed.pagination ? { pagination: listed.pagination } : {}));
  });

  app.get('/Contacts/:id', (c) => {
    const tenant = c.get('tenant');
    const key = c.req.param('id');
    // The same path serves /Contacts/{ContactID} and /Contacts/{ContactNumber}.
    const contact = byId(tenant.contacts, key) ?? [...tenant.contacts.values()].find((x) => x.fields.ContactNumber === key);
    return contact ? c.json(envelope(env, 'Contacts', [contactJson(contact)])) : notFound(c);
  });

  const write = (mode: ContactWrite) => async (c: Context<ApiEnv>) => {
    const tenant = c.get('tenant');
    const elements = await readElements(c, 'Contacts');
    if (typeof elements === 'string') return badRequest(c, elements);
    const pathId = c.req.param('id');
    if (pathId !== undefined && !byId(tenant.contacts, pathId)) return notFound(c);
    const results = elements.map((input) => {
      const element = pathId ? { ...input, ContactID: pathId } : input;
      return contactResult(writeContact(ctx, tenant, element, element.ContactID ? 'update' : mode), element);
    });
    return respondBatch(c, ctx, CONTACT_SHAPE, results);
  };
  app.put('/Contacts', write('create'));
  app.post('/Contacts', write('upsert'));
  app.post('/Contacts/:id', write('update'));
  return app;
}
