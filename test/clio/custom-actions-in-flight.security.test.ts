// Issue 8, finding 1: nonce checks against one Clio connection are capped while in flight, so a
// flood cannot queue calls on the user's token. Clio's answers are held here (fetch to the Clio
// emulator waits for the test) so "in flight" is certain rather than a race.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../server/http/rate-limit';
import { eventually } from '../support/eventually';
import { type ClioHarness, control, manual, startClioHarness, accountOwner } from './harness';

let h: ClioHarness;
beforeAll(async () => {
  h = await startClioHarness();
  await h.install({ clioUserId: accountOwner(h).id });
});
afterAll(() => h?.stop());

const realFetch = globalThis.fetch;
const held: (() => void)[] = [];
afterEach(() => {
  globalThis.fetch = realFetch;
  held.splice(0).forEach((release) => release());
});

async function click(): Promise<string> {
  const emu = h.clio.us.emulator;
  const action = emu.state.customActions.all().find((a) => a.user_id === accountOwner(h).id && a.ui_reference === 'contacts/show')!;
  return (await control(h.clio.us.url, `/custom_actions/${action.id}/click`, { subject_id: emu.state.contacts.all()[0]!.id })).url;
}

describe('custom-action nonce checks in flight', () => {
  it('one more check than the cap, while the others wait on Clio, is refused with 429 before Clio is asked; a finished check frees its place', async () => {
    const max = LIMITS.customActionInFlightPerConnection;
    const urls = await Promise.all(Array.from({ length: max + 1 }, click));
    globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.startsWith(h.clio.us.url) && url.includes('custom_action_nonce')) await new Promise<void>((r) => held.push(r));
      return realFetch(input, init);
    }) as typeof fetch;

    const answered: number[] = [];
    const clicks = urls.map((u) => manual(u).then((res) => (answered.push(res.status), res.status)));
    await eventually(() => held.length + answered.length === max + 1, 'every click held at Clio or answered', 10_000);
    expect({ held: held.length, answered }).toEqual({ held: max, answered: [429] });

    held.splice(0).forEach((release) => release());
    expect((await Promise.all(clicks)).sort()).toEqual([...Array(max).fill(302), 429].sort());

    // Each finished check gave its place back: the next click is checked, not refused as busy.
    globalThis.fetch = realFetch;
    expect((await manual(await click())).status).toBe(302);
  });
});
