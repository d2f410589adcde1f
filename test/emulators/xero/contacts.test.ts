import { describe, expect, it } from 'vitest';
import { first, setup } from './harness';

const names = (r: { body: Record<string, unknown> }) => (r.body.Contacts as { Name: string }[]).map((c) => c.Name);

describe('contacts', () => {
  it('creates with PUT, reads back by id, and fills Xero defaults', async () => {
    const h = setup();
    const r = await h.call('PUT', '/Contacts', { body: { Contacts: [{ Name: 'New Client Pty Ltd', EmailAddress: 'a@new.example', ContactNumber: 'CLIO-42' }] } });
    expect(r.status).toBe(200);
    const created = first(r, 'Contacts');
    expect(created).toMatchObject({ Name: 'New Client Pty Ltd', ContactStatus: 'ACTIVE', StatusAttributeString: 'OK', HasValidationErrors: false });
    expect((created.Addresses as unknown[]).length).toBe(2);
    const got = first(await h.call('GET', `/Contacts/${String(created.ContactID)}`), 'Contacts');
    expect(got.UpdatedDateUTC).toBe(`/Date(${h.clock.now()}+0000)/`);
    expect(first(await h.call('GET', '/Contacts/CLIO-42'), 'Contacts').ContactID).toBe(created.ContactID);
    expect((await h.call('GET', '/Contacts/3a0b1c2d-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it("refuses a duplicate active name with Xero's message, but allows it beside an archived namesake", async () => {
    const h = setup();
    const dup = await h.call('PUT', '/Contacts', { body: { Contacts: [{ Name: 'jane citizen' }] } });
    expect(dup.status).toBe(400);
    expect(dup.body).toMatchObject({ ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred' });
    const element = (dup.body.Elements as Record<string, unknown>[])[0];
    expect(element?.ValidationErrors).toEqual([
      { Message: 'The contact name jane citizen is already assigned to another contact. The contact name must be unique across all active contacts.' },
    ]);
    const archivedNamesake = await h.call('PUT', '/Contacts', { body: { Contacts: [{ Name: 'Former Client Pty Ltd' }] } });
    expect(archivedNamesake.status).toBe(200);
    // …and now the archived one cannot be restored.
    const old = first(await h.call('GET', `/Contacts?includeArchived=true&where=${encodeURIComponent('ContactStatus=="ARCHIVED"')}`), 'Contacts');
    const restore = await h.call('POST', `/Contacts/${String(old.ContactID)}`, { body: { Contacts: [{ ContactStatus: 'ACTIVE' }] } });
    expect(restore.status).toBe(400);
  });

  it('archives through POST and hides archived contacts unless includeArchived=true', async () => {
    const h = setup();
    const id = String(first(await h.call('GET', `/Contacts?where=${encodeURIComponent('Name=="Acme Holdings Pty Ltd"')}`), 'Contacts').ContactID);
    const archived = await h.call('POST', `/Contacts/${id}`, { body: { Contacts: [{ ContactID: id, ContactStatus: 'ARCHIVED' }] } });
    expect(first(archived, 'Contacts').ContactStatus).toBe('ARCHIVED');
    expect(names(await h.call('GET', '/Contacts'))).not.toContain('Acme Holdings Pty Ltd');
    expect(names(await h.call('GET', '/Contacts?includeArchived=true'))).toContain('Acme Holdings Pty Ltd');
  });

  it('POST without an id updates the active contact of the same name instead of duplicating it', async () => {
    const h = setup();
    const before = (await h.call('GET', '/Contacts')).body.Contacts as unknown[];
    const r = await h.call('POST', '/Contacts', { body: { Contacts: [{ Name: 'Jane Citizen', EmailAddress: 'jane@new.example' }] } });
    expect(first(r, 'Contacts').EmailAddress).toBe('jane@new.example');
    expect(((await h.call('GET', '/Contacts')).body.Contacts as unknown[]).length).toBe(before.length);
  });

  it('filters with where (==, Contains, EmailAddress, AND/OR), IDs and searchTerm', async () => {
    const h = setup();
    const q = (w: string) => h.call('GET', `/Contacts?where=${encodeURIComponent(w)}`);
    expect(names(await q('Name=="Müller & Söhne GmbH"'))).toEqual(['Müller & Söhne GmbH']);
    expect(names(await q('Name.Contains("holdings")'))).toEqual(['Acme Holdings Pty Ltd']);
    expect(names(await q('EmailAddress!=null&&EmailAddress.Contains("example.com")'))).toEqual(['Jane Citizen']);
    expect(names(await q('Name.StartsWith("Jane") OR Name=="山田 太郎"'))).toEqual(['Jane Citizen', '山田 太郎']);
    expect((await q('Name=="unterminated')).status).toBe(400);
    const all = (await h.call('GET', '/Contacts')).body.Contacts as { ContactID: string; Name: string }[];
    const ids = all.slice(0, 2).map((c) => c.ContactID);
    expect(names(await h.call('GET', `/Contacts?IDs=${ids.join(',')}`)).sort()).toEqual(
      all
        .slice(0, 2)
        .map((c) => c.Name)
        .sort(),
    );
    expect(names(await h.call('GET', '/Contacts?searchTerm=citizen'))).toEqual(['Jane Citizen']);
  });

  it('pages 100 at a time (pageSize up to 1000) with a pagination block', async () => {
    const h = setup({ seed: 12 }); // 240 generated contacts + 5 active seeded ones
    const p1 = await h.call('GET', '/Contacts?page=1');
    expect((p1.body.Contacts as unknown[]).length).toBe(100);
    expect(p1.body.pagination).toEqual({ page: 1, pageSize: 100, pageCount: 3, itemCount: 245 });
    expect(((await h.call('GET', '/Contacts?page=3')).body.Contacts as unknown[]).length).toBe(45);
    const big = await h.call('GET', '/Contacts?page=1&pageSize=2000');
    expect(big.body.pagination).toMatchObject({ pageSize: 1000, pageCount: 1 });
    expect((await h.call('GET', '/Contacts')).body.pagination).toBeUndefined();
  });

  it('honours If-Modified-Since', async () => {
    const h = setup();
    h.clock.advance(60_000);
    const since = new Date(h.clock.now()).toISOString();
    await h.call('POST', '/Contacts', { body: { Contacts: [{ Name: 'Jane Citizen', Website: 'https://jane.example' }] } });
    const changed = await h.call('GET', '/Contacts', { headers: { 'If-Modified-Since': since } });
    expect(names(changed)).toEqual(['Jane Citizen']);
    h.clock.advance(1000);
    expect(names(await h.call('GET', '/Contacts', { headers: { 'If-Modified-Since': new Date(h.clock.now()).toUTCString() } }))).toEqual([]);
  });

  it('summarizeErrors=false returns 200 with every element tagged; the default 400 still saves the good ones', async () => {
    const h = setup();
    const body = { Contacts: [{ Name: 'Good One' }, { Name: 'Jane Citizen' }, { EmailAddress: 'no-name@example.com' }] };
    const r = await h.call('PUT', '/Contacts?summarizeErrors=false', { body });
    expect(r.status).toBe(200);
    const [good, dup, noName] = r.body.Contacts as Record<string, unknown>[];
    expect(good).toMatchObject({ StatusAttributeString: 'OK', HasValidationErrors: false });
    expect(dup).toMatchObject({ StatusAttributeString: 'ERROR', HasValidationErrors: true, ContactID: '00000000-0000-0000-0000-000000000000' });
    expect(noName?.ValidationErrors).toEqual([{ Message: 'The contact name must be specified' }]);

    const summarised = await h.call('PUT', '/Contacts', { body: { Contacts: [{ Name: 'Good Two' }, { Name: 'Jane Citizen' }] } });
    expect(summarised.status).toBe(400);
    expect((summarised.body.Elements as unknown[]).length).toBe(1);
    expect(names(await h.call('GET', `/Contacts?where=${encodeURIComponent('Name=="Good Two"')}`))).toEqual(['Good Two']);
  });
});
