// Issue 15, attack 3: twelve forged clicks naming a user, and that user's genuine click got 429.
// The per-user allowance was charged before the nonce was checked, by whoever sent the click.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../server/http/rate-limit';
import { type ClioHarness, control, manual, startClioHarness, accountOwner } from './harness';

let h: ClioHarness;
beforeAll(async () => {
  h = await startClioHarness();
  await h.install({ clioUserId: accountOwner(h).id });
});
afterAll(() => h?.stop());

const emu = () => h.clio.us.emulator;

/** A GET sent from another loopback address: the outsider's own source, as the server sees it. */
function fromAddress(localAddress: string, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

const forged = (userId: number, i: number) =>
  `${h.url}/actions/clio?${new URLSearchParams({ custom_action_id: '1', user_id: String(userId), subject_url: '/api/v4/contacts/1', custom_action_nonce: `forged-${i}` })}`;

describe('forged clicks cannot spend a real user’s allowance (attack 3)', () => {
  it('twelve forged clicks naming the admin, from an outsider’s address, leave the admin’s genuine click working', async () => {
    const admin = accountOwner(h);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await fromAddress('127.0.0.2', forged(admin.id, i)));
    expect(statuses.every((s) => s === 403 || s === 429)).toBe(true);
    // The outsider's own source is what runs out: past its allowance, Clio is not asked again.
    expect(statuses.filter((s) => s === 429).length).toBe(12 - LIMITS.customActionChecksPerAddress.burst);

    const contact = emu().state.contacts.all()[0]!;
    const action = emu()
      .state.customActions.all()
      .find((a) => a.user_id === admin.id && a.ui_reference === 'contacts/show')!;
    const { url } = await control(h.clio.us.url, `/custom_actions/${action.id}/click`, { subject_id: contact.id });
    const genuine = await manual(url);
    expect(genuine.status).toBe(302);
    expect(genuine.headers.get('location')).toMatch(new RegExp(`^/app/records/contact/${contact.id}#token=`));
  });
});
