import { describe, expect, it } from 'vitest';
import { setup } from './harness';

describe('host page: act as the fee earner', () => {
  it('lists recent bills, escaped, with plain forms that act and redirect back', async () => {
    const t = setup({ region: 'AU' });
    const draft = t.emu.state.bills
      .all()
      .filter((b) => b.state === 'draft')
      .sort((a, b) => b.id - a.id)[0];
    expect(draft).toBeDefined();
    await t.control('POST', '/clock', { advance_ms: 60_000 });
    await t.control('PATCH', `/bills/${draft?.id}`, { number: '<b>7&8</b>' });
    const page = await t.emu.app.request('/_emulator/manage');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('&#60;b&#62;7&#38;8&#60;/b&#62;');
    expect(html).not.toContain('<b>7&8</b>');
    expect(html).not.toMatch(/<script/i);
    for (const label of ['Approve', 'Void', 'Add 5% discount', 'Add credit note ($50)', 'Add interest ($10)']) expect(html).toContain(`>${label}</button>`);
    expect(html).toContain(`name="bill_id" value="${draft?.id}"`);

    const act = (action: string) =>
      t.emu.app.request('/_emulator/manage/act', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ bill_id: String(draft?.id), action }).toString(),
      });
    const discounted = await act('discount5');
    expect(discounted.status).toBe(303);
    expect(decodeURIComponent(discounted.headers.get('location') ?? '')).toContain('done');
    expect(t.emu.state.bills.get(draft?.id ?? 0)?.discount).toMatchObject({ rate: 5, type: 'percentage' });
    expect((await act('approve')).status).toBe(303);
    expect(t.emu.state.bills.get(draft?.id ?? 0)?.state).toBe('awaiting_payment');
    await act('interest10');
    expect(t.emu.state.interestCharges.where('bill_id', draft?.id ?? 0).map((c) => c.total)).toEqual([10]);
    await act('credit50');
    // Voiding a bill with a credit applied is refused, and the page says so.
    const refused = await act('void');
    const back = await t.emu.app.request(refused.headers.get('location') ?? '');
    expect(await back.text()).toContain('Refused:');
  });
});
