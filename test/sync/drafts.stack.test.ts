import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncStack, type SyncStack } from './stack';

/** With "only sync approved bills" off, drafts go to Xero as drafts, follow approval, and a deleted draft deletes its invoice. */
let s: SyncStack;

async function draftBill(name: string): Promise<{ id: number; number: string }> {
  const contact = await s.clioControl('POST', '/contacts', {
    type: 'Company',
    name,
    email_addresses: [{ name: 'Work', address: `${name.split(' ')[0]!.toLowerCase()}@drafts.example`, default_email: true }],
  });
  const matter = await s.clioControl('POST', '/matters', { client_id: contact.id });
  const entry = await s.clioControl('POST', '/activities', { type: 'TimeEntry', quantity: 3600, price: 280, matter: { id: matter.id }, note: 'Advice' });
  const bill = await s.clioControl('POST', '/bills', { activity_ids: [entry.id], issued_at: s.today });
  await s.settled();
  return bill;
}

beforeAll(async () => {
  s = await startSyncStack({ settings: (today) => ({ onlyApprovedBills: false, invoiceStatus: 'AUTHORISED', billDateFrom: today }) });
  await s.settled('the first sync');
}, 120_000);
afterAll(() => s?.stack.stop());

describe('draft bills when only-approved is off', () => {
  it('a draft is a Xero draft, and approving it in Clio approves the invoice', async () => {
    const bill = await draftBill('Draft Follows Pty Ltd');
    expect(s.invoiceByNumber(bill.number)).toEqual([expect.objectContaining({ Status: 'DRAFT' })]);
    await s.clioControl('POST', `/bills/${bill.id}/approve`);
    await s.settled();
    expect(s.invoiceByNumber(bill.number)).toEqual([expect.objectContaining({ Status: 'AUTHORISED' })]);
  });

  it('a draft deleted in Clio deletes its draft invoice', async () => {
    const bill = await draftBill('Deleted Draft Pty Ltd');
    const [invoice] = s.invoiceByNumber(bill.number);
    expect(invoice?.Status).toBe('DRAFT');
    const { access_token } = await s.stack.control('clio', 'POST', '/tokens', { user_id: 1004 });
    const res = await fetch(`${s.stack.clio.url}/api/v4/bills/${bill.id}.json`, { method: 'DELETE', headers: { authorization: `Bearer ${access_token}` } });
    expect(res.status).toBe(204);
    await s.settled();
    expect(s.tenant().invoices.get(invoice!.id)!.Status).toBe('DELETED');
    expect(await s.errors()).toEqual([]);
  });
});
