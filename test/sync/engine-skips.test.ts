import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { createSecretBox } from '../../server/crypto/secrets';
import { upsertFirm } from '../../server/firms/repository';
import { createSyncEngine } from '../../server/sync/engine';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { capturedLogger } from '../support/logs';

/** A run that cannot start ends with a line saying why, never silently. */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

it('each reason a run cannot start is logged: no firm, no Clio connection, no settings, an uninstalled firm', async () => {
  const { logger, lines } = capturedLogger('info');
  const engine = createSyncEngine({ config: loadConfig({}), db: t.db, logger, secrets: createSecretBox(Buffer.alloc(32, 7)) });
  const skipped = async (firmId: string) => {
    lines.length = 0;
    await engine.syncFirm({ firmId, reason: 'sweep' });
    return lines.map((l) => JSON.parse(l) as { msg: string; reason?: string; firmId?: string }).map((l) => ({ msg: l.msg, reason: l.reason, firmId: l.firmId }));
  };

  const unknown = randomUUID();
  expect(await skipped(unknown)).toEqual([{ msg: 'sync skipped', reason: 'no such firm', firmId: unknown }]);

  const firm = await upsertFirm(t.db, { clioAccountId: 9001, region: 'us', name: 'Skips LLP' });
  expect(await skipped(firm.id)).toEqual([{ msg: 'sync skipped', reason: 'no Clio connection', firmId: firm.id }]);

  await t.db.deleteFrom('settings').where('firm_id', '=', firm.id).execute();
  expect(await skipped(firm.id)).toEqual([{ msg: 'sync skipped', reason: 'no settings saved yet', firmId: firm.id }]);

  await t.db.updateTable('firms').set({ status: 'uninstalled' }).where('id', '=', firm.id).execute();
  expect(await skipped(firm.id)).toEqual([{ msg: 'sync skipped', reason: 'the firm is uninstalled', firmId: firm.id }]);
});
