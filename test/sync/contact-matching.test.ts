import { describe, expect, it } from 'vitest';
import { type ClioClientContact, matchContacts, normaliseEmail, normaliseName, type XeroContactSummary } from '../../server/sync/mapping/contact-matching';

const clio = (id: string, name: string, emails: string[] = [], isClient = true): ClioClientContact => ({ id, name, emails, isClient });
const xero = (id: string, name: string, email: string | null = null, status = 'ACTIVE'): XeroContactSummary => ({ id, name, email, status });
const none = { clioIds: new Set<string>(), xeroIds: new Set<string>() };

describe('normalising', () => {
  it('ignores case, spacing and compatibility forms, and keeps every script', () => {
    expect(normaliseName('  ACME   Holdings\tPty Ltd ')).toBe('acme holdings pty ltd');
    expect(normaliseName('Ｍüller ＆ Söhne')).toBe('müller & söhne');
    expect(normaliseName('山田　太郎')).toBe('山田 太郎');
    expect(normaliseName('Łukasz Żółć')).toBe('łukasz żółć');
    expect(normaliseName('山田 太郎')).not.toBe(normaliseName('太郎 山田'));
    expect(normaliseEmail(' Jane@Example.COM ')).toBe('jane@example.com');
    expect(normaliseEmail('  ')).toBeNull();
  });
});

describe('matching Clio clients to Xero contacts', () => {
  it('links a unique active namesake whose email agrees, whatever the case and spacing', () => {
    const plan = matchContacts([clio('1', 'Jane  Citizen', ['Jane.Citizen@example.com'])], [xero('x1', 'jane citizen', 'jane.citizen@EXAMPLE.com')], none);
    expect(plan).toEqual({ links: [{ clioId: '1', xeroId: 'x1' }], reviews: [] });
  });

  it('links when one side has no email', () => {
    const plan = matchContacts(
      [clio('1', 'Oliver Brennan'), clio('2', 'Müller & Söhne GmbH', ['buchhaltung@mueller-soehne.de'])],
      [xero('x1', 'Oliver Brennan', 'oliver@example.com'), xero('x2', 'MÜLLER & SÖHNE GMBH')],
      none,
    );
    expect(plan.links).toEqual([
      { clioId: '1', xeroId: 'x1' },
      { clioId: '2', xeroId: 'x2' },
    ]);
    expect(plan.reviews).toEqual([]);
  });

  it('links when Xero’s address is any of the Clio client’s addresses', () => {
    const plan = matchContacts([clio('1', 'Acme', ['office@acme.example', 'accounts@acme.example'])], [xero('x1', 'Acme', 'accounts@acme.example')], none);
    expect(plan.links).toEqual([{ clioId: '1', xeroId: 'x1' }]);
  });

  it('asks about a namesake with a different email instead of linking it', () => {
    const plan = matchContacts(
      [clio('1', 'Acme Holdings Pty Ltd', ['accounts@acmeholdings.com.au'])],
      [xero('x1', 'Acme Holdings Pty Ltd', 'accounts@acme-holdings.example')],
      none,
    );
    expect(plan.links).toEqual([]);
    expect(plan.reviews).toEqual([
      {
        clioContactId: '1',
        clioName: 'Acme Holdings Pty Ltd',
        clioEmail: 'accounts@acmeholdings.com.au',
        candidates: [{ xeroContactId: 'x1', name: 'Acme Holdings Pty Ltd', email: 'accounts@acme-holdings.example', status: 'ACTIVE' }],
        reason: expect.stringContaining('different email address'),
      },
    ]);
  });

  it('asks about each of several Clio clients with one name, even when one email agrees', () => {
    const plan = matchContacts(
      [clio('1', 'John Smith', ['john.smith@example.com']), clio('2', 'John Smith', ['j.smith@smithfamily.example'])],
      [xero('x1', 'John Smith', 'john.smith@example.com')],
      none,
    );
    expect(plan.links).toEqual([]);
    expect(plan.reviews.map((r) => [r.clioContactId, r.candidates.map((c) => c.xeroContactId)])).toEqual([
      ['1', ['x1']],
      ['2', ['x1']],
    ]);
    expect(plan.reviews[0]!.reason).toContain('2 Clio clients are named “John Smith”');
  });

  it('asks which of several Xero namesakes is meant, listing them all', () => {
    const plan = matchContacts([clio('1', 'Pat Lee', ['pat@lee.example'])], [xero('x1', 'Pat Lee', 'pat@lee.example'), xero('x2', 'pat lee')], none);
    expect(plan.links).toEqual([]);
    expect(plan.reviews[0]!.candidates.map((c) => c.xeroContactId)).toEqual(['x1', 'x2']);
    expect(plan.reviews[0]!.reason).toContain('2 Xero contacts are named');
  });

  it('asks about a name found only on an archived Xero contact, and prefers an active namesake over an archived one', () => {
    const archivedOnly = matchContacts([clio('1', 'Former Client Pty Ltd')], [xero('x1', 'Former Client Pty Ltd', 'old@former-client.example', 'ARCHIVED')], none);
    expect(archivedOnly.links).toEqual([]);
    expect(archivedOnly.reviews[0]!.candidates).toEqual([{ xeroContactId: 'x1', name: 'Former Client Pty Ltd', email: 'old@former-client.example', status: 'ARCHIVED' }]);
    expect(archivedOnly.reviews[0]!.reason).toContain('archived');

    const both = matchContacts([clio('1', 'Former Client Pty Ltd')], [xero('x1', 'Former Client Pty Ltd', null, 'ARCHIVED'), xero('x2', 'Former Client Pty Ltd')], none);
    expect(both).toEqual({ links: [{ clioId: '1', xeroId: 'x2' }], reviews: [] });
  });

  it('matches non-Latin names exactly as written, so a different name order is no match', () => {
    const plan = matchContacts(
      [clio('1', '太郎 山田', ['taro.yamada@example.jp']), clio('2', '山田　花子'), clio('3', 'Łukasz Żółć')],
      [xero('x1', '山田 太郎'), xero('x2', '山田 花子'), xero('x3', 'ŁUKASZ ŻÓŁĆ')],
      none,
    );
    expect(plan).toEqual({
      links: [
        { clioId: '2', xeroId: 'x2' },
        { clioId: '3', xeroId: 'x3' },
      ],
      reviews: [],
    });
  });

  it('leaves a client with no namesake and no shared email for the sync to create', () => {
    expect(matchContacts([clio('1', 'Nobody Known', ['nobody@example.com'])], [xero('x1', 'Someone Else', 'else@example.com')], none)).toEqual({
      links: [],
      reviews: [],
    });
  });

  it('asks about an email-only match under another name instead of linking it', () => {
    const plan = matchContacts([clio('1', 'J. Citizen', ['jane.citizen@example.com'])], [xero('x1', 'Jane Citizen', 'Jane.Citizen@example.com')], none);
    expect(plan.links).toEqual([]);
    expect(plan.reviews[0]).toMatchObject({ clioContactId: '1', candidates: [{ xeroContactId: 'x1' }] });
    expect(plan.reviews[0]!.reason).toContain('same email address under another name');
  });

  it('considers clients only, and skips what is already linked', () => {
    const plan = matchContacts(
      [clio('1', 'Metro Courier', [], false), clio('2', 'Jane Citizen'), clio('3', 'Acme')],
      [xero('x1', 'Metro Courier'), xero('x2', 'Jane Citizen'), xero('x3', 'Acme')],
      { clioIds: new Set(['2']), xeroIds: new Set(['x3']) },
    );
    expect(plan.links).toEqual([]);
    expect(plan.reviews.map((r) => [r.clioContactId, r.reason])).toEqual([['3', expect.stringContaining('already linked to another Clio contact')]]);
  });
});
