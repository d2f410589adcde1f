import { describe, expect, it } from 'vitest';
import { setup } from './harness';

/**
 * `state: paid` on a bill PATCH: Clio's OpenAPI lists it among the states the update takes, but no
 * public source says Clio accepts it (Clio's help: a bill becomes paid by recording a payment). So
 * the emulator refuses it as any disallowed transition, and accepts it from awaiting_payment only
 * with the control switch off (so no product path depends on the kinder answer).
 */
describe('marking a bill paid through the API', () => {
  const awaiting = (t: ReturnType<typeof setup>) =>
    t.emu.state.bills.all().find((b) => b.state === 'awaiting_payment' && t.emu.state.allocations.where('bill_id', b.id).length === 0)!;

  it('with the switch off, moves an approved bill to paid, with paid_at, and refuses it from a draft', async () => {
    const t = setup();
    expect((await t.control('PUT', '/switches', { refuse_paid_state: false })).status).toBe(200);
    const bill = awaiting(t);
    const res = await t.call('PATCH', `/api/v4/bills/${bill.id}.json?fields=state,paid_at`, { data: { state: 'paid' } }, { headers: { 'If-Match': bill.etag } });
    expect(res.status).toBe(200);
    expect(res.body.data.state).toBe('paid');
    expect(res.body.data.paid_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const draft = t.emu.state.bills.all().find((b) => b.state === 'draft')!;
    const refused = await t.call('PATCH', `/api/v4/bills/${draft.id}.json`, { data: { state: 'paid' } });
    expect(refused.status).toBe(422);
  });

  it('by default, refuses it with Clio’s words for a disallowed transition', async () => {
    const t = setup();
    const bill = awaiting(t);
    const refused = await t.call('PATCH', `/api/v4/bills/${bill.id}.json`, { data: { state: 'paid' } });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('State cannot change from awaiting_payment to paid');
    expect(t.emu.state.bills.get(bill.id)!.state).toBe('awaiting_payment');
  });
});
