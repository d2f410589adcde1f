import { describe, expect, it } from 'vitest';
import { billTotals } from './bill-totals';
import { setup } from './harness';

/** The `<tr>` of one bill on the host page, by its bill id. */
function rowOf(html: string, billId: number): string | undefined {
  return html.split('<tr>').find((row) => row.includes(`name="bill_id" value="${billId}"`));
}

const buttons = (row: string | undefined) => [...(row ?? '').matchAll(/<button type="submit">([^<]*)<\/button>/g)].map((m) => m[1]);

describe('host page: act as the fee earner', () => {
  it('lists only bills that can be acted on, escaped, each with only the actions its state allows', async () => {
    const t = setup({ region: 'AU' });
    const bills = t.emu.state.bills.all();
    const draft = bills.filter((b) => b.state === 'draft').sort((a, b) => b.id - a.id)[0]!;
    await t.control('POST', '/clock', { advance_ms: 60_000 });
    await t.control('PATCH', `/bills/${draft.id}`, { number: '<b>7&8</b>' });
    const html = await (await t.emu.app.request('/_emulator/manage')).text();
    expect(html).toContain('&#60;b&#62;7&#38;8&#60;/b&#62;');
    expect(html).not.toContain('<b>7&8</b>');
    expect(html).not.toMatch(/<script/i);

    expect(buttons(rowOf(html, draft.id))).toEqual(['Approve', 'Raise the first line by 10%', 'Add 5% discount']);
    const listed = [...html.matchAll(/name="bill_id" value="(\d+)"/g)].map((m) => Number(m[1]));
    expect(listed.length).toBeGreaterThan(0);
    for (const id of new Set(listed)) expect(['draft', 'awaiting_approval', 'awaiting_payment']).toContain(t.emu.state.bills.get(id)?.state);
    // The seed has void and paid bills; none is listed.
    for (const b of bills.filter((x) => x.state === 'void' || x.state === 'paid')) expect(rowOf(html, b.id)).toBeUndefined();
    // Each bill number opens its own record page.
    expect(html).toContain(`<a href="/nc/#/bills/${draft.id}">`);
  });

  it('does each action, and refuses one the state does not allow in plain words', async () => {
    const t = setup({ region: 'AU' });
    const draft = t.emu.state.bills
      .all()
      .filter((b) => b.state === 'draft')
      .sort((a, b) => b.id - a.id)[0]!;
    // Changes made now sort first on the panel; the firm does not allow editing approved bills.
    await t.control('POST', '/clock', { advance_ms: 60_000 });
    await t.control('PATCH', '/settings/billing', { allow_editing_approved_bills: false });
    const act = async (action: string, id = draft.id) => {
      const res = await t.emu.app.request('/_emulator/manage/act', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ bill_id: String(id), action }).toString(),
      });
      expect(res.status).toBe(303);
      return decodeURIComponent(res.headers.get('location') ?? '');
    };
    const bill = () => t.emu.state.bills.require(draft.id);
    const firstLine = () => t.emu.state.lineItems.where('bill_id', draft.id).sort((a, b) => a.id - b.id)[0]!;
    const price = firstLine().price;

    expect(await act('edit_line')).toContain('done');
    expect(firstLine().price).toBe(Math.round(price * 110) / 100);
    await act('discount5');
    expect(bill().discount).toMatchObject({ rate: 5, type: 'percentage' });
    await act('approve');
    expect(bill().state).toBe('awaiting_payment');
    // Approved (and the firm does not allow editing approved bills): the edit buttons are gone.
    const approvedRow = rowOf(await (await t.emu.app.request('/_emulator/manage')).text(), draft.id);
    expect(buttons(approvedRow)).toEqual(['Record payment in full', 'Record a $100 payment', 'Add credit note ($50)', 'Add interest ($10)', 'Void']);
    expect(await act('edit_line')).toContain(`Refused: "Raise the first line by 10%" is not possible on bill ${bill().number}: it is awaiting payment.`);

    await act('interest10');
    expect(t.emu.state.interestCharges.where('bill_id', draft.id).map((c) => c.total)).toEqual([10]);
    await act('credit50');
    const before = billTotals(t.emu.state, bill()).balance;
    await act('pay_100');
    expect(billTotals(t.emu.state, bill()).balance).toBeCloseTo(before - 100, 2);
    await act('pay_full');
    expect(bill().state).toBe('paid');
    expect(billTotals(t.emu.state, bill()).balance).toBe(0);
    expect(await act('approve')).toContain(`Refused: "Approve" is not possible on bill ${bill().number}: it is paid.`);
    expect(rowOf(await (await t.emu.app.request('/_emulator/manage')).text(), draft.id)).toBeUndefined();
    expect(await act('nonsense')).toContain('Refused: Unknown action nonsense');
  });

  it('adds a hard cost paid to a vendor on a matter', async () => {
    const t = setup({ region: 'AU' });
    const html = await (await t.emu.app.request('/_emulator/manage')).text();
    const form = html.match(/name="action" value="hard_cost"><input type="hidden" name="matter_id" value="(\d+)"><input type="hidden" name="vendor_id" value="(\d+)">/);
    expect(form).not.toBeNull();
    const [, matterId, vendorId] = form!;
    const before = t.emu.state.activities.all().length;
    const res = await t.emu.app.request('/_emulator/manage/act', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ action: 'hard_cost', matter_id: matterId!, vendor_id: vendorId! }).toString(),
    });
    expect(decodeURIComponent(res.headers.get('location') ?? '')).toMatch(/Hard cost \d+ .* added to matter/);
    const added = t.emu.state.activities.all().slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ type: 'HardCostEntry', price: 55, quantity: 1, matter_id: Number(matterId), vendor_id: Number(vendorId) });
  });

  it('serves the record pages the add-on links to (/nc/#/bills/…)', async () => {
    const t = setup({ region: 'AU' });
    const page = await t.emu.app.request('/nc/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/_emulator/records/');
    const bill = t.emu.state.bills.all().find((b) => b.state === 'awaiting_payment')!;
    const res = await t.emu.app.request(`/_emulator/records/bills/${bill.id}`);
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { record: { title: string; fields: Record<string, string> }; lines: unknown[] } };
    expect(data.record.title).toBe(`Bill ${bill.number}`);
    expect(data.record.fields).toMatchObject({
      Client: t.emu.state.contacts.get(bill.client_id)?.name,
      State: 'awaiting payment',
      Total: billTotals(t.emu.state, bill).total.toFixed(2),
    });
    expect(data.lines).toHaveLength(t.emu.state.lineItems.where('bill_id', bill.id).length);
    const contact = t.emu.state.contacts.all()[0]!;
    expect((await (await t.emu.app.request(`/_emulator/records/contacts/${contact.id}`)).json()).data.record.title).toBe(contact.name);
    expect((await t.emu.app.request('/_emulator/records/bills/999999')).status).toBe(404);
    expect((await t.emu.app.request('/_emulator/records/nonsense/1')).status).toBe(404);
  });
});
