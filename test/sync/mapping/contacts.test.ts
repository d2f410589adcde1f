import { describe, expect, it } from 'vitest';
import type { ClioContact } from '../../../server/sync/mapping/clio-records';
import { clioContactToXero, contactNumberFor, disambiguatedName } from '../../../server/sync/mapping/contacts';

const person = (over: Partial<ClioContact> = {}): ClioContact => ({
  id: 42,
  type: 'Person',
  name: 'Jane Citizen',
  first_name: ' Jane ',
  last_name: 'Citizen',
  updated_at: '2025-03-01T00:00:00Z',
  ...over,
});

describe('clioContactToXero', () => {
  it('maps a person in full: names, primary email, one phone per type, billing address as POBOX', () => {
    const draft = clioContactToXero(
      person({
        email_addresses: [
          { address: 'jane@work.example', name: 'Work', primary: false },
          { address: ' jane@home.example ', name: 'Home', primary: true },
        ],
        phone_numbers: [
          { number: '02 9000 0001', name: 'Work', primary: false },
          { number: '0400 000 002', name: 'Mobile' },
          { number: '02 9000 0003', name: 'Fax' },
          { number: '02 9000 0004', name: 'Home', primary: true },
          { number: '0400 000 005', name: 'Mobile' },
          { number: '   ', name: 'Other' },
          { number: '02 9000 0006', name: 'Other' },
        ],
        addresses: [
          { name: 'Home', street: '1 Home St', city: 'Sydney', province: '  ', primary: true },
          { name: 'Billing', street: ' PO Box 7 ', city: 'Sydney', province: 'NSW', postal_code: '2001', country: 'Australia' },
          { name: 'Work', street: '9 Work St', city: 'Parramatta' },
        ],
      }),
    );
    expect(draft).toStrictEqual({
      name: 'Jane Citizen',
      firstName: 'Jane',
      lastName: 'Citizen',
      emailAddress: 'jane@home.example',
      // The primary (Home) number is the default, the next general one the direct line; the second
      // mobile and the third general number have no type left; the blank one is dropped.
      phones: [
        { phoneType: 'DDI', phoneNumber: '02 9000 0001' },
        { phoneType: 'DEFAULT', phoneNumber: '02 9000 0004' },
        { phoneType: 'FAX', phoneNumber: '02 9000 0003' },
        { phoneType: 'MOBILE', phoneNumber: '0400 000 002' },
      ],
      addresses: [
        { addressType: 'POBOX', addressLine1: 'PO Box 7', city: 'Sydney', region: 'NSW', postalCode: '2001', country: 'Australia' },
        { addressType: 'STREET', addressLine1: '1 Home St', city: 'Sydney' },
      ],
    });
  });

  it('takes the first email when none is primary, and sends no email key when there is none', () => {
    expect(clioContactToXero(person({ email_addresses: [{ address: 'a@x.example' }, { address: 'b@x.example' }] })).emailAddress).toBe('a@x.example');
    const none = clioContactToXero(person({ email_addresses: [] }));
    expect('emailAddress' in none).toBe(false);
    expect('emailAddress' in clioContactToXero(person({ email_addresses: [{ address: '  ', primary: true }] }))).toBe(false);
  });

  it('does not let a blank number take the default slot', () => {
    const draft = clioContactToXero(
      person({
        phone_numbers: [
          { number: ' ', name: 'Work', primary: true },
          { number: '555 0100', name: 'Work' },
          { number: '555 0199', name: 'mobile' },
        ],
      }),
    );
    expect(draft.phones).toEqual([
      { phoneType: 'DEFAULT', phoneNumber: '555 0100' },
      { phoneType: 'MOBILE', phoneNumber: '555 0199' },
    ]);
  });

  it('uses the primary address as POBOX when none is called Billing, and skips addresses with nothing to post to', () => {
    const draft = clioContactToXero(
      person({
        addresses: [
          { name: 'Other', country: 'Australia', primary: true },
          { name: 'Work', street: '9 Work St' },
          { name: 'Home', postal_code: '3000', primary: true },
        ],
      }),
    );
    expect(draft.addresses).toStrictEqual([
      { addressType: 'POBOX', postalCode: '3000' },
      { addressType: 'STREET', addressLine1: '9 Work St' },
    ]);
    expect(clioContactToXero(person({ addresses: null })).addresses).toEqual([]);
  });

  it('gives companies no first or last name, and blank ones are dropped for people', () => {
    const company = clioContactToXero({ id: 9, type: 'Company', name: 'Acme Pty Ltd', first_name: 'Wile', last_name: 'Coyote', updated_at: '' });
    expect(company).toStrictEqual({ name: 'Acme Pty Ltd', phones: [], addresses: [] });
    const blank = clioContactToXero(person({ first_name: '  ', last_name: null }));
    expect('firstName' in blank || 'lastName' in blank).toBe(false);
  });

  it('uses the name it is given (a disambiguated one), trims it, and falls back when blank', () => {
    expect(clioContactToXero(person(), 'Jane Citizen (Clio 42)').name).toBe('Jane Citizen (Clio 42)');
    expect(clioContactToXero(person({ name: '  Jane  ' })).name).toBe('Jane');
    expect(clioContactToXero(person({ name: '   ' })).name).toBe('Clio contact 42');
  });

  it('clips fields to Xero’s lengths', () => {
    const draft = clioContactToXero(
      person({
        name: 'N'.repeat(300),
        first_name: 'F'.repeat(300),
        email_addresses: [{ address: `${'e'.repeat(300)}@x.example`, primary: true }],
        phone_numbers: [{ number: '1'.repeat(60), name: 'Work' }],
        addresses: [{ name: 'Billing', street: 'S'.repeat(600), postal_code: 'P'.repeat(60), country: 'C'.repeat(60), city: 'c'.repeat(300) }],
      }),
    );
    expect(draft.name).toBe('N'.repeat(255));
    expect(draft.firstName).toBe('F'.repeat(255));
    expect(draft.emailAddress).toHaveLength(255);
    expect(draft.phones[0]!.phoneNumber).toBe('1'.repeat(50));
    expect(draft.addresses[0]).toStrictEqual({
      addressType: 'POBOX',
      addressLine1: 'S'.repeat(500),
      city: 'c'.repeat(255),
      postalCode: 'P'.repeat(50),
      country: 'C'.repeat(50),
    });
  });
});

describe('disambiguatedName', () => {
  it('appends the Clio id to the trimmed name', () => {
    expect(disambiguatedName('Acme Pty Ltd', 42)).toBe('Acme Pty Ltd (Clio 42)');
    expect(disambiguatedName('  Acme  ', '7')).toBe('Acme (Clio 7)');
  });

  it('keeps the suffix whole within 255 characters', () => {
    const name = disambiguatedName('x'.repeat(300), 123456);
    expect(name).toHaveLength(255);
    expect(name.endsWith('x (Clio 123456)')).toBe(true);
  });

  it('differs for two clients of the same name', () => {
    expect(disambiguatedName('Jane Citizen', 1)).not.toBe(disambiguatedName('Jane Citizen', 2));
  });
});

describe('contactNumberFor', () => {
  it('is CLIO- and the Clio id, the same for number and string ids', () => {
    expect(contactNumberFor(42)).toBe('CLIO-42');
    expect(contactNumberFor('42')).toBe('CLIO-42');
    expect(contactNumberFor(4)).not.toBe(contactNumberFor(42));
  });
});
