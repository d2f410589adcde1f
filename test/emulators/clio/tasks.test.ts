import { describe, expect, it } from 'vitest';
import { setup } from './harness';

/** Tasks as Clio's OpenAPI describes them: required name, description and assignee; pending or complete only without advanced tasks. */
describe('tasks', () => {
  const user = (t: ReturnType<typeof setup>) => t.emu.state.users.all()[0]!;
  const body = (t: ReturnType<typeof setup>, extra: Record<string, unknown> = {}) => ({
    data: { name: 'Record a payment', description: '$400.00 received in Xero', assignee: { id: user(t).id, type: 'User' }, ...extra },
  });

  it('creates a pending task for a user, lists it by assignee and status, and completes it with completed_at', async () => {
    const t = setup();
    const created = await t.call('POST', '/api/v4/tasks.json?fields=id,etag,name,description,status,priority,permission,completed_at,assignee{id,type}', body(t));
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      name: 'Record a payment',
      description: '$400.00 received in Xero',
      status: 'pending',
      priority: 'Normal',
      permission: 'public',
      completed_at: null,
      assignee: { id: user(t).id, type: 'User' },
    });
    const id = created.body.data.id as number;
    const listed = await t.call('GET', `/api/v4/tasks.json?assignee_id=${user(t).id}&status=pending&fields=id,name`);
    expect(listed.body.data).toEqual([{ id, name: 'Record a payment' }]);

    const stale = await t.call('PATCH', `/api/v4/tasks/${id}.json`, { data: { status: 'complete' } }, { headers: { 'If-Match': '"old"' } });
    expect(stale.status).toBe(412);
    const done = await t.call(
      'PATCH',
      `/api/v4/tasks/${id}.json?fields=id,status,completed_at`,
      { data: { status: 'complete' } },
      { headers: { 'If-Match': created.body.data.etag } },
    );
    expect(done.status).toBe(200);
    expect(done.body.data.status).toBe('complete');
    expect(done.body.data.completed_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect((await t.call('GET', '/api/v4/tasks.json?status=pending')).body.data).toEqual([]);
    const reopened = await t.call('PATCH', `/api/v4/tasks/${id}.json?fields=status,completed_at`, { data: { status: 'pending' } });
    expect(reopened.body.data).toMatchObject({ status: 'pending', completed_at: null });
  });

  it('refuses a task without its required fields, an unknown assignee, or a status only advanced tasks have', async () => {
    const t = setup();
    for (const [data, message] of [
      [{ description: 'x', assignee: { id: user(t).id, type: 'User' } }, "Name can't be blank"],
      [{ name: 'x', assignee: { id: user(t).id, type: 'User' } }, "Description can't be blank"],
      [{ name: 'x', description: 'x' }, "Assignee can't be blank"],
      [{ name: 'x', description: 'x', assignee: { id: 999999, type: 'User' } }, 'Assignee must exist'],
    ] as const) {
      const refused = await t.call('POST', '/api/v4/tasks.json', { data }, { validate: false });
      expect(refused.status).toBe(422);
      expect(refused.body.error.message).toBe(message);
    }
    const advanced = await t.call('POST', '/api/v4/tasks.json', body(t, { status: 'in_progress' }));
    expect(advanced.status).toBe(422);
    expect(advanced.body.error.message).toMatch(/pending or complete/);
    expect(t.emu.state.tasks.size).toBe(0);
  });
});
