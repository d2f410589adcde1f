import { describe, expect, it } from 'vitest';
import type { Contact } from 'xero-node';
import type { ClioContact } from '../../../server/sync/mapping/clio-records';
import { clioContactToXero } from '../../../server/sync/mapping/contacts';
import { clioContactPatch, clioNameOf, mergeShared, xeroContactToShared } from '../../../server/sync/mapping/xero-contacts';
import type { ContactDraft } from '../../../server/sync/mapping/xero-drafts';

const base: ContactDraft = {
  name: 'Acme Pty Ltd',
  emailAddress: 'a@acme.example',
  phones: [{ phoneType: 'DEFAULT', phoneNumber: '02 1111 1111' }],
  addresses: [{ addressType: 'POBOX', addressLine1: '1 Main St', city: 'Sydney' }],
};

describe('mergeShared', () => {
  it('takes each side’s own changes, field by field', () => {
    const clio = { ...base, phones: [{ phoneType: 'DEFAULT' as const, phoneNumber: '02 2222 2222' }] };
    const xero = { ...base, emailAddress: 'b@acme.example' };
    expect(mergeShared(base, clio, xero)).toEqual({ merged: { ...base, phones: clio.phones, emailAddress: 'b@acme.example' }, conflicts: [] });
  });

  it('a field changed differently on both sides is a conflict, unless a side is chosen', () => {
    const clio = { ...base, emailAddress: 'c@acme.example' };
    const xero = { ...base, emailAddress: 'x@acme.example' };
    expect(mergeShared(base, clio, xero).conflicts).toEqual([{ field: 'emailAddress', clio: 'c@acme.example', xero: 'x@acme.example' }]);
    expect(mergeShared(base, clio, xero, 'xero')).toEqual({ merged: xero, conflicts: [] });
    expect(mergeShared(base, clio, xero, 'clio')).toEqual({ merged: clio, conflicts: [] });
  });

  it('the same change on both sides, or a base whose keys were reordered (jsonb), is no conflict', () => {
    const reordered = JSON.parse(
      '{"addresses":[{"city":"Sydney","addressLine1":"1 Main St","addressType":"POBOX"}],"phones":[{"phoneNumber":"02 1111 1111","phoneType":"DEFAULT"}],"emailAddress":"a@acme.example","name":"Acme Pty Ltd"}',
    );
    const both = { ...base, emailAddress: 'same@acme.example' };
    expect(mergeShared(reordered, both, both)).toEqual({ merged: both, conflicts: [] });
    expect(mergeShared(reordered, base, base)).toEqual({ merged: base, conflicts: [] });
  });
});

describe('Xero contact ↔ Clio contact', () => {
  const clio: ClioContact = {
    id: 7,
    etag: '"e"',
    type: 'Company',
    name: 'Acme Pty Ltd',
    updated_at: '2026-11-01T00:00:00Z',
    email_addresses: [{ id: 71, address: 'a@acme.example', name: 'Work', primary: true }],
    phone_numbers: [
      { id: 72, number: '02 1111 1111', name: 'Work', primary: true },
      { id: 73, number: '0400 000 000', name: 'Mobile', primary: false },
    ],
    addresses: [{ id: 74, street: '1 Main St', city: 'Sydney', name: 'Billing', primary: true }],
  };

  it('projects a Xero contact onto the shared fields as the push projects Clio’s; blanks and Xero-only fields drop out', () => {
    const x = {
      name: 'Acme Pty Ltd',
      emailAddress: 'a@acme.example',
      accountNumber: 'XERO-ONLY',
      phones: [
        { phoneType: 'DDI', phoneNumber: '' },
        { phoneType: 'DEFAULT', phoneNumber: '02 1111 1111', phoneAreaCode: '02' },
        { phoneType: 'MOBILE', phoneNumber: '0400 000 000' },
      ],
      addresses: [{ addressType: 'POBOX', addressLine1: '1 Main St', city: 'Sydney' }, { addressType: 'STREET' }],
    } as unknown as Contact;
    expect(xeroContactToShared(x)).toEqual(clioContactToXero(clio));
  });

  it('patches only what differs, by entry id: changed in place, added, removed', () => {
    const want: ContactDraft = {
      name: 'Acme Holdings Pty Ltd (Clio 7)',
      emailAddress: 'new@acme.example',
      phones: [
        { phoneType: 'DEFAULT', phoneNumber: '02 1111 1111' },
        { phoneType: 'FAX', phoneNumber: '02 3333 3333' },
      ],
      addresses: [],
    };
    expect(clioContactPatch(clio, want)).toEqual({
      name: 'Acme Holdings Pty Ltd',
      email_addresses: [{ id: 71, address: 'new@acme.example' }],
      phone_numbers: [
        { id: 73, _destroy: true },
        { number: '02 3333 3333', name: 'Fax' },
      ],
      addresses: [{ id: 74, _destroy: true }],
    });
    expect(clioContactPatch(clio, clioContactToXero(clio))).toBeUndefined();
    expect(clioNameOf('Acme (Clio 7)', 7)).toBe('Acme');
  });
});
