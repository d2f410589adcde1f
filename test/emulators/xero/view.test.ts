import { describe, expect, it } from 'vitest';
import { createInvoice, first, setup } from './harness';
import { SEED_TENANTS } from './seed';

describe('sandbox view', () => {
  it('serves an index and a per-organisation page of contacts, invoices and credit notes, HTML-escaped and script-free', async () => {
    const h = setup();
    const contact = first(
      await h.call('PUT', '/Contacts', { body: { Contacts: [{ Name: '<b>Smith & "Jones"</b>', ContactNumber: 'SJ-1', EmailAddress: 'ap@smith-jones.example' }] } }),
      'Contacts',
    );
    const inv = await createInvoice(h, String(contact.ContactID));
    const index = await h.emulator.app.request('/_emulator/view');
    expect(index.status).toBe(200);
    const indexHtml = await index.text();
    expect(indexHtml).toContain(`/_emulator/tenants/${SEED_TENANTS.primary.tenantId}/view`);
    expect(indexHtml).toContain('Riverside Law Group Pty Ltd');

    const res = await h.emulator.app.request(`/_emulator/tenants/${SEED_TENANTS.primary.tenantId}/view`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('&#60;b&#62;Smith &#38; &#34;Jones&#34;&#60;/b&#62;');
    expect(html).not.toContain('<b>Smith');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('SJ-1');
    expect(html).toContain('ap@smith-jones.example');
    expect(html).toContain('M&#252;ller &#38; S&#246;hne GmbH'.replace('&#252;', 'ü').replace('&#246;', 'ö'));
    // Invoice row: number, contact, date, status, total 611.05, amount due, 2 lines.
    expect(html).toContain(String(inv.InvoiceNumber));
    expect(html).toMatch(/2026-11-20<\/td><td>AUTHORISED<\/td><td class="n">611\.05<\/td><td class="n">611\.05<\/td><td class="n">2<\/td>/);
    expect((await h.emulator.app.request('/_emulator/tenants/00000000-0000-0000-0000-000000000001/view')).status).toBe(404);
  });

  it('lists payments and bank transactions, for following a payment or a hard cost through the sandbox', async () => {
    const h = setup();
    const contact = first(await h.call('PUT', '/Contacts', { body: { Contacts: [{ Name: 'Courier & Co' }] } }), 'Contacts');
    const inv = await createInvoice(h, String(contact.ContactID));
    const paid = await h.call('PUT', '/Payments', {
      body: { Payments: [{ Invoice: { InvoiceID: inv.InvoiceID }, Account: { Code: '090' }, Date: '2026-11-21', Amount: 100, Reference: 'Clio payment 7' }] },
    });
    expect(paid.status).toBe(200);
    const spend = await h.call('PUT', '/BankTransactions', {
      body: {
        BankTransactions: [
          {
            Type: 'SPEND',
            Contact: { ContactID: contact.ContactID },
            BankAccount: { Code: '090' },
            Date: '2026-11-24',
            Reference: 'Clio hard cost 9',
            LineAmountTypes: 'Inclusive',
            LineItems: [{ Description: 'Courier', Quantity: 1, UnitAmount: 55, AccountCode: '425', TaxType: 'INPUT' }],
          },
        ],
      },
    });
    expect(spend.status).toBe(200);
    const html = await (await h.emulator.app.request(`/_emulator/tenants/${SEED_TENANTS.primary.tenantId}/view`)).text();
    const bank = h.emulator.state.tenants.get(SEED_TENANTS.primary.tenantId)!.accounts.find((a) => a.Code === '090')!.Name;
    expect(html).toContain(`<td>2026-11-21</td><td>${String(inv.InvoiceNumber)}</td><td>${bank}</td><td>Clio payment 7</td><td>AUTHORISED</td><td class="n">100.00</td>`);
    expect(html).toContain(
      `<td>2026-11-24</td><td>SPEND</td><td>Courier &#38; Co</td><td>${bank}</td><td>Clio hard cost 9</td><td>AUTHORISED</td><td class="n">5.00</td><td class="n">55.00</td>`,
    );
  });
});
