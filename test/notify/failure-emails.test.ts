// Needs nodemailer and smtp-server (see the report of the status branch): a real SMTP server
// receives what the real mailer sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertFirm } from '../../server/firms/repository';
import { TASK } from '../../server/jobs/enqueue';
import { CRON, createTasks } from '../../server/jobs/tasks';
import { getSettings, saveSettings } from '../../server/settings/repository';
import { unwiredTaskDeps } from '../support/task-deps';
import { createLogger } from '../../server/log';
import { createFailureNotifier } from '../../server/notify/failure-emails';
import { createSmtpMailer, type Mailer } from '../../server/notify/mailer';
import { dismissError, listOpenErrors, recordFailureGroup, recordFirmFailure, resolveFailures } from '../../server/sync/failure-groups';
import { startMailCatcher, type MailCatcher } from '../emulators/mail/catcher';
import { createTestDatabase, type TestDatabase } from '../support/database';

let t: TestDatabase;
let mail: MailCatcher;
let mailer: Mailer;
beforeAll(async () => {
  [t, mail] = await Promise.all([createTestDatabase(), startMailCatcher()]);
  mailer = await createSmtpMailer(mail.smtpUrl, 'Sync <sync@example.test>');
});
afterAll(async () => {
  mailer?.close();
  await mail?.stop();
  await t?.drop();
});

let account = 500;
async function firm(settings: { notify_email: string | null; notify_digest?: boolean }) {
  const { id } = await upsertFirm(t.db, { clioAccountId: ++account, region: 'us', name: `Smith & Co ${account}` });
  await t.db.updateTable('settings').set(settings).where('firm_id', '=', id).execute();
  return id;
}
const archived = { code: 'XERO_ACCOUNT_ARCHIVED' as const, detail: "The account code '200' has been archived" };
const to = (addr: string) => mail.messages.filter((m) => m.to.includes(addr));

describe('failure emails', () => {
  it('one email per new failure group, not per record, with its cause, fix and a link to the Status tab', async () => {
    const firmId = await firm({ notify_email: 'ops1@example.test' });
    const notifier = createFailureNotifier({ db: t.db, logger: createLogger('silent'), mailer, publicUrl: 'https://sync.example.test' });
    await recordFailureGroup(t.db, firmId, 'bill', '11', archived);
    await notifier.afterSync(firmId);
    await recordFailureGroup(t.db, firmId, 'bill', '12', archived);
    await notifier.afterSync(firmId);
    const sent = to('ops1@example.test');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toContain('XERO_ACCOUNT_ARCHIVED');
    expect(sent[0]!.text).toContain('An account the sync uses is archived or deleted in Xero.');
    expect(sent[0]!.text).toContain('Restore the account in Xero');
    expect(sent[0]!.text).toContain('https://sync.example.test/app/status');
    expect(sent[0]!.from).toBe('sync@example.test');

    // Resolved, then failing again: a new group, a new email.
    await resolveFailures(t.db, firmId, 'bill', ['11', '12']);
    await recordFailureGroup(t.db, firmId, 'bill', '11', archived);
    await notifier.afterSync(firmId);
    expect(to('ops1@example.test')).toHaveLength(2);
  });

  it('a lost Xero connection emails "reconnect"', async () => {
    const firmId = await firm({ notify_email: 'ops2@example.test' });
    const notifier = createFailureNotifier({ db: t.db, logger: createLogger('silent'), mailer, publicUrl: 'https://sync.example.test' });
    await recordFirmFailure(t.db, firmId, 'AUTH_REVOKED');
    await notifier.afterSync(firmId);
    expect(to('ops2@example.test').map((m) => m.subject)).toEqual([expect.stringMatching(/^Reconnect Xero: syncing for Smith & Co \d+ is paused$/)]);
  });

  it('settings left incomplete are announced; ones the admin completed meanwhile are not (a run that read them just before)', async () => {
    const notifier = createFailureNotifier({ db: t.db, logger: createLogger('silent'), mailer, publicUrl: 'https://sync.example.test' });
    const unfinished = await firm({ notify_email: 'ops7@example.test' });
    await recordFirmFailure(t.db, unfinished, 'SETTINGS_INCOMPLETE');
    await notifier.afterSync(unfinished);
    expect(to('ops7@example.test').map((m) => m.subject)).toEqual([expect.stringContaining('SETTINGS_INCOMPLETE')]);

    const finished = await firm({ notify_email: 'ops8@example.test' });
    await t.db
      .updateTable('settings')
      .set({ time_account_code: '200', expense_account_code: '210', time_tax_type: 'OUTPUT', expense_tax_type: 'OUTPUT' })
      .where('firm_id', '=', finished)
      .execute();
    await recordFirmFailure(t.db, finished, 'SETTINGS_INCOMPLETE');
    await notifier.afterSync(finished);
    expect(to('ops8@example.test')).toEqual([]);
  });

  it('the daily digest: nothing at once, then one email with every new group', async () => {
    const firmId = await firm({ notify_email: 'ops3@example.test', notify_digest: true });
    const notifier = createFailureNotifier({ db: t.db, logger: createLogger('silent'), mailer, publicUrl: 'https://sync.example.test' });
    await recordFailureGroup(t.db, firmId, 'bill', '21', archived);
    await recordFailureGroup(t.db, firmId, 'contact', '22', { code: 'XERO_CONTACT_NAME_TAKEN', detail: 'taken' });
    await notifier.afterSync(firmId);
    expect(to('ops3@example.test')).toHaveLength(0);
    await notifier.sendDigests();
    await notifier.sendDigests();
    const sent = to('ops3@example.test');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toContain('2 new failure groups');
    expect(sent[0]!.text).toContain('XERO_ACCOUNT_ARCHIVED');
    expect(sent[0]!.text).toContain('XERO_CONTACT_NAME_TAKEN');
  });

  it('with no address nothing is sent, and turning email on later does not send old groups', async () => {
    const firmId = await firm({ notify_email: null });
    const notifier = createFailureNotifier({ db: t.db, logger: createLogger('silent'), mailer, publicUrl: 'https://sync.example.test' });
    await recordFailureGroup(t.db, firmId, 'bill', '31', archived);
    await notifier.afterSync(firmId);
    await t.db.updateTable('settings').set({ notify_email: 'ops4@example.test' }).where('firm_id', '=', firmId).execute();
    await notifier.afterSync(firmId);
    expect(to('ops4@example.test')).toHaveLength(0);
  });

  it('a failed send is retried by the next sync, and still sent once', async () => {
    const firmId = await firm({ notify_email: 'ops5@example.test' });
    const down: Mailer = { send: async () => Promise.reject(new Error('connect ECONNREFUSED')), close: () => {} };
    await recordFailureGroup(t.db, firmId, 'bill', '41', archived);
    await createFailureNotifier({ db: t.db, logger: createLogger('silent'), mailer: down, publicUrl: 'https://x.test' }).afterSync(firmId);
    const notifier = createFailureNotifier({ db: t.db, logger: createLogger('silent'), mailer, publicUrl: 'https://x.test' });
    await notifier.afterSync(firmId);
    await notifier.afterSync(firmId);
    expect(to('ops5@example.test')).toHaveLength(1);
  });

  it('a dismissed group is hidden until a new record joins it', async () => {
    const firmId = await firm({ notify_email: null });
    await recordFailureGroup(t.db, firmId, 'bill', '51', archived);
    await recordFailureGroup(t.db, firmId, 'bill', '52', archived);
    const [group] = await listOpenErrors(t.db, firmId);
    expect(await dismissError(t.db, firmId, group!.id)).toBe(true);
    expect(await listOpenErrors(t.db, firmId)).toEqual([]);
    // A record already in the group failing again does not bring it back…
    await recordFailureGroup(t.db, firmId, 'bill', '52', archived);
    expect(await listOpenErrors(t.db, firmId)).toEqual([]);
    // …one leaving does not either; a new one does.
    await resolveFailures(t.db, firmId, 'bill', ['51']);
    expect(await listOpenErrors(t.db, firmId)).toEqual([]);
    await recordFailureGroup(t.db, firmId, 'bill', '53', archived);
    expect((await listOpenErrors(t.db, firmId)).map((g) => g.clioIds)).toEqual([['52', '53']]);
  });
});

describe('failure emails in the jobs', () => {
  it('each sync job announces afterwards, a mail failure does not fail the sync, and the digest runs daily', async () => {
    const announced: string[] = [];
    let digests = 0;
    let mailDown = false;
    const firmId = '00000000-0000-4000-8000-000000000001';
    const tasks = createTasks({
      db: t.db,
      logger: createLogger('silent'),
      syncFirm: async () => {},
      syncRecords: async () => {},
      ...unwiredTaskDeps,
      notify: {
        afterSync: async (id) => {
          if (mailDown) throw new Error('SMTP down');
          announced.push(id);
        },
        sendDigests: async () => void digests++,
      },
    });
    await tasks[TASK.syncFirm]!({ firmId, reason: 'manual' }, {} as never);
    await tasks[TASK.syncRecords]!({ firmId, source: 'clio', kind: 'bill', ids: ['1'], reason: 'webhook' }, {} as never);
    expect(announced).toEqual([firmId, firmId]);
    mailDown = true;
    await expect(tasks[TASK.syncFirm]!({ firmId, reason: 'manual' }, {} as never)).resolves.toBeUndefined();
    await tasks[TASK.sendFailureDigests]!({}, {} as never);
    expect(digests).toBe(1);
    expect(CRON.find((c) => c.task === TASK.sendFailureDigests)?.match).toBe('0 7 * * *');
  });

  it('the digest preference is a setting that round-trips', async () => {
    const firmId = await firm({ notify_email: 'ops6@example.test' });
    const settings = (await getSettings(t.db, firmId))!;
    expect(settings.notifyDigest).toBe(false);
    await saveSettings(t.db, firmId, { ...settings, notifyDigest: true });
    expect((await getSettings(t.db, firmId))!.notifyDigest).toBe(true);
  });
});
