import { describe, expect, it } from 'vitest';
import { setup } from './harness';

async function registered(t: ReturnType<typeof setup>, ui_reference = 'contacts/show') {
  const created = await t.call('POST', '/api/v4/custom_actions.json?fields=id,label,target_url,ui_reference', {
    data: { label: 'Sync to Xero', target_url: 'https://addon.test/actions/sync', ui_reference },
  });
  expect(created.status).toBe(201);
  return created.body.data as { id: number };
}

async function clickUrl(t: ReturnType<typeof setup>, actionId: number, subjectId: number): Promise<URL> {
  const reply = await t.control('POST', `/custom_actions/${actionId}/click`, { subject_id: subjectId });
  expect(reply.status).toBe(200);
  return new URL(reply.body.url);
}

describe('custom actions', () => {
  it('are per user: created, listed, edited and deleted with the owner token only', async () => {
    const t = setup();
    const action = await registered(t);
    expect(
      (await t.call('POST', '/api/v4/custom_actions.json', { data: { label: 'Sync to Xero', target_url: 'https://addon.test/x', ui_reference: 'contacts/show' } }))
        .status,
    ).toBe(422);
    expect(
      (
        await t.call(
          'POST',
          '/api/v4/custom_actions.json',
          { data: { label: 'Bills', target_url: 'https://addon.test/x', ui_reference: 'bills/show' } },
          { validate: false },
        )
      ).status,
    ).toBe(422);
    const marcus = t.emu.state.users.all()[1];
    const other = t.emu.issueToken(marcus?.id).access_token;
    expect((await t.call('GET', '/api/v4/custom_actions.json', undefined, { token: other })).body.data).toEqual([]);
    expect((await t.call('GET', `/api/v4/custom_actions/${action.id}.json`, undefined, { token: other })).status).toBe(404);
    const edited = await t.call('PATCH', `/api/v4/custom_actions/${action.id}.json?fields=label`, { data: { label: 'Open in Xero' } });
    expect(edited.body.data.label).toBe('Open in Xero');
    expect((await t.call('DELETE', `/api/v4/custom_actions/${action.id}.json`)).status).toBe(204);
    expect((await t.call('GET', '/api/v4/custom_actions.json')).body.data).toEqual([]);
  });

  it('click opens the target with id, user, subject URL and a nonce that validates once', async () => {
    const t = setup();
    const action = await registered(t);
    const jane = t.emu.state.contacts.all().find((c) => c.name === 'Jane Citizen');
    const url = await clickUrl(t, action.id, jane?.id ?? 0);
    expect(url.origin + url.pathname).toBe('https://addon.test/actions/sync');
    const admin = t.emu.state.users.all()[0];
    expect(Object.fromEntries(url.searchParams)).toEqual({
      custom_action_id: String(action.id),
      user_id: String(admin?.id),
      subject_url: `/api/v4/contacts/${jane?.id}`,
      custom_action_nonce: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const verify = `${url.searchParams.get('subject_url')}?custom_action_nonce=${url.searchParams.get('custom_action_nonce')}&fields=id,name`;
    const ok = await t.call('GET', verify);
    expect(ok.status).toBe(200);
    expect(ok.body.data.name).toBe('Jane Citizen');
    const replay = await t.call('GET', verify);
    expect(replay.status).toBe(403);
  });

  it('refuses an expired nonce, another user token, another record and a made-up nonce', async () => {
    const t = setup();
    const action = await registered(t, 'matters/show');
    const [matter, otherMatter] = t.emu.state.matters.all();
    const nonce = async () => (await clickUrl(t, action.id, matter?.id ?? 0)).searchParams.get('custom_action_nonce');
    const expired = await nonce();
    t.clock.advance(61_000);
    expect((await t.call('GET', `/api/v4/matters/${matter?.id}?custom_action_nonce=${expired}`)).status).toBe(403);
    const otherUser = t.emu.issueToken(t.emu.state.users.all()[1]?.id).access_token;
    expect((await t.call('GET', `/api/v4/matters/${matter?.id}?custom_action_nonce=${await nonce()}`, undefined, { token: otherUser })).status).toBe(403);
    expect((await t.call('GET', `/api/v4/matters/${otherMatter?.id}?custom_action_nonce=${await nonce()}`)).status).toBe(403);
    expect((await t.call('GET', `/api/v4/matters/${matter?.id}?custom_action_nonce=deadbeef`)).status).toBe(403);
    const fresh = await nonce();
    t.clock.advance(59_000);
    expect((await t.call('GET', `/api/v4/matters/${matter?.id}.json?custom_action_nonce=${fresh}`)).status).toBe(200);
  });

  it('the host page frames the add-on and links each action to records through a 302 click', async () => {
    const t = setup({ addonUrl: 'https://addon.test' });
    const action = await registered(t);
    const page = await t.control('GET', '/manage?path=/app');
    expect(page.body).toContain('<iframe title="Add-on" src="https://addon.test/app"');
    const link = /href="(\/_emulator\/custom_actions\/\d+\/click\?subject_id=\d+)"/.exec(page.body)?.[1];
    expect(link).toContain(`/custom_actions/${action.id}/click`);
    const click = await t.emu.app.request(link ?? '');
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toMatch(/^https:\/\/addon\.test\/actions\/sync\?custom_action_id=/);
  });
});

describe('reports', () => {
  it('queue, progress on the clock, complete, and download through a 303 as JSON', async () => {
    const t = setup();
    const client = t.emu.state.contacts.all().find((c) => c.name === 'Acme Holdings Pty Ltd');
    const created = await t.call('POST', '/api/v4/reports.json?fields=id,state,kind,format,progress', {
      data: { kind: 'client_ledger', format: 'json', start_date: '2026-01-01', end_date: '2026-11-30', client: { id: client?.id ?? 0 } },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ state: 'queued', kind: 'client_ledger', format: 'json', progress: 0 });
    const id = created.body.data.id;
    expect((await t.call('GET', `/api/v4/reports/${id}/download.json`)).status).toBe(404);
    t.clock.advance(2000);
    expect((await t.call('GET', `/api/v4/reports/${id}.json?fields=state`)).body.data.state).toBe('in_progress');
    t.clock.advance(1000);
    expect((await t.call('GET', `/api/v4/reports/${id}.json?fields=state,progress`)).body.data).toEqual({ state: 'completed', progress: 100 });
    const download = await t.call('GET', `/api/v4/reports/${id}/download.json`);
    expect(download.status).toBe(303);
    const file = await t.emu.app.request(download.headers.get('location')?.replace('http://clio.test', '') ?? '');
    const ledger = (await file.json()) as any;
    expect(ledger.clients).toHaveLength(1);
    const trust = ledger.clients[0].accounts.find((a: any) => a.bank_account.type === 'Trust');
    const last = trust.transactions[trust.transactions.length - 1];
    expect(trust.closing_balance).toBe(last.balance);
    expect(trust.closing_balance).toBe(
      t.emu.state.bankTransactions
        .where('client_id', client?.id ?? 0)
        .filter((x) => x.type === 'liability')
        .reduce((s, x) => s + x.funds_in - x.funds_out, 0),
    );
    expect((await t.emu.app.request(`/_emulator/report_files/${id}?key=wrong`)).status).toBe(404);
  });

  it('trust listing totals agree with the trust account balance; unsupported kinds are refused', async () => {
    const t = setup();
    const created = await t.call('POST', '/api/v4/reports.json?fields=id', { data: { kind: 'trust_listing', format: 'json' } });
    t.clock.advance(3000);
    const location = (await t.call('GET', `/api/v4/reports/${created.body.data.id}/download.json`)).headers.get('location') ?? '';
    const listing = (await (await t.emu.app.request(location.replace('http://clio.test', ''))).json()) as any;
    const trustBalance = (await t.call('GET', '/api/v4/bank_accounts.json?type=TrustAccount&fields=balance')).body.data[0].balance;
    expect(listing.accounts[0].total).toBeCloseTo(trustBalance, 2);
    expect((await t.call('POST', '/api/v4/reports.json', { data: { kind: 'revenue', format: 'json' } })).status).toBe(422);
    expect((await t.call('POST', '/api/v4/reports.json', { data: { kind: 'trust_listing', format: 'pdf' } })).status).toBe(422);
    const empty = await t.call('POST', '/api/v4/reports.json?fields=id', { data: { kind: 'bank_account_activity', format: 'json', start_date: '2030-01-01' } });
    t.clock.advance(3000);
    expect((await t.call('GET', `/api/v4/reports/${empty.body.data.id}.json?fields=state`)).body.data.state).toBe('empty');
  });
});
