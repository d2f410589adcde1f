// Issue 15: failure emails stay safe with hostile data from Clio or Xero — a firm name carrying
// CR/LF (an attempt at extra headers), a contact named with HTML, a bill number with markup.
// Read back from a real SMTP server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertFirm } from '../../server/firms/repository';
import { createLogger } from '../../server/log';
import { createFailureNotifier } from '../../server/notify/failure-emails';
import { createSmtpMailer, type Mailer } from '../../server/notify/mailer';
import { recordFailureGroup, recordFirmFailure } from '../../server/sync/failure-groups';
import { parseMessage, startMailCatcher, type MailCatcher } from '../emulators/mail/catcher';
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

const HOSTILE_NAME = 'Evil & Co\r\nBcc: thief@attacker.test\r\nX-Injected: yes\r\n\r\n<script>alert(1)</script>';
const HOSTILE_CONTACT = '<img src=x onerror=alert(1)>';

async function hostileFirm(account: number, notify: string) {
  const { id } = await upsertFirm(t.db, { clioAccountId: account, region: 'us', name: HOSTILE_NAME });
  await t.db.updateTable('settings').set({ notify_email: notify }).where('firm_id', '=', id).execute();
  return id;
}

function headerBlock(raw: string): string {
  return raw.slice(0, raw.indexOf('\r\n\r\n'));
}

describe('failure emails with hostile data', () => {
  it('a firm name with CR/LF adds no header and no recipient; HTML from Clio or Xero stays inert plain text', async () => {
    const notify = 'ops-hostile@example.test';
    const firmId = await hostileFirm(9_001, notify);
    const notifier = createFailureNotifier({ db: t.db, logger: createLogger('silent'), mailer, publicUrl: 'https://sync.example.test' });
    await recordFailureGroup(t.db, firmId, 'contact', '77', {
      code: 'XERO_VALIDATION',
      detail: `Contact ${HOSTILE_CONTACT} on bill <b>INV-1</b><script>alert(2)</script>: the name is already assigned to another contact`,
    });
    await recordFirmFailure(t.db, firmId, 'AUTH_REVOKED');
    await notifier.afterSync(firmId);

    const sent = mail.messages.filter((m) => m.to.includes(notify));
    expect(sent.length).toBe(2);
    for (const m of sent) {
      expect(m.to).toEqual([notify]);
      const { headers } = parseMessage(m.raw);
      expect([...headers.keys()].filter((k) => k === 'bcc' || k === 'x-injected')).toEqual([]);
      expect(headerBlock(m.raw)).not.toMatch(/^(bcc|x-injected):/im);
      // One part, plain text: nothing a mail client would render as HTML.
      expect(headers.get('content-type')).toMatch(/^text\/plain/);
      expect(m.raw).not.toMatch(/text\/html/i);
      // The subject is one line, the firm's name folded into it.
      expect(m.subject).not.toMatch(/[\r\n]/);
      expect(m.subject).toContain('Evil & Co');
    }
    expect(mail.messages.some((m) => m.to.includes('thief@attacker.test'))).toBe(false);
  });
});
