import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertFirm } from '../../server/firms/repository';
import { TASK } from '../../server/jobs/enqueue';
import { CRON, createTasks } from '../../server/jobs/tasks';
import { unwiredTaskDeps } from '../support/task-deps';
import { createLogger } from '../../server/log';
import { createTestDatabase, type TestDatabase } from '../support/database';

let t: TestDatabase;
let firmId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  firmId = (await upsertFirm(t.db, { clioAccountId: 1, region: 'us', name: 'Housekeeping LLP' })).id;
});
afterAll(() => t?.drop());

describe('the prune_expired job', () => {
  it('is scheduled hourly and prunes both services’ expired rows, keeping live ones', async () => {
    expect(CRON.find((c) => c.task === TASK.pruneExpired)?.match).toBe('47 * * * *');
    const longAgo = new Date(0);
    const soon = new Date(Date.now() + 600_000);
    await t.db.insertInto('xero_webhook_events').values({ event_key: 'ancient', firm_id: firmId, received_at: longAgo }).execute();
    const webhook = await t.db.insertInto('clio_webhooks').values({ firm_id: firmId, model: 'bill' }).returning('id').executeTakeFirstOrThrow();
    await t.db
      .insertInto('clio_webhook_events')
      .values([
        { webhook_id: webhook.id, record_id: '1', version: 'old', received_at: longAgo },
        { webhook_id: webhook.id, record_id: '1', version: 'new' },
      ])
      .execute();
    await t.db
      .insertInto('clio_oauth_states')
      .values([
        { state: 'expired', region: 'us', add_to_clio: false, expires_at: longAgo },
        { state: 'live', region: 'us', add_to_clio: false, expires_at: soon },
      ])
      .execute();

    const tasks = createTasks({ db: t.db, logger: createLogger('silent'), syncFirm: async () => {}, syncRecords: async () => {}, ...unwiredTaskDeps });
    await tasks[TASK.pruneExpired]!({}, {} as never);

    expect(await t.db.selectFrom('xero_webhook_events').select('event_key').execute()).toEqual([]);
    expect(await t.db.selectFrom('clio_webhook_events').select('version').execute()).toEqual([{ version: 'new' }]);
    expect(await t.db.selectFrom('clio_oauth_states').select('state').execute()).toEqual([{ state: 'live' }]);
  });
});
