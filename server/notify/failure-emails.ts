import type { Database } from '../db/database';
import { getFirm } from '../firms/repository';
import type { Logger } from '../log';
import { missingForSync } from '../settings/model';
import { getSettings } from '../settings/repository';
import { claimAnnouncements, firmsWithUnannouncedErrors, releaseAnnouncements, unannouncedErrors } from '../sync/failure-groups';
import type { MailMessage, Mailer } from './mailer';
import type { OpenErrorGroup } from '../api-contract';

/**
 * Emails the firm's admin when a failure group appears: one email per group (not per record), or
 * one daily digest of the new groups when the admin prefers that. A lost Xero connection is a
 * failure group too (AUTH_REVOKED), and its email says to reconnect.
 */

export interface FailureNotifierDeps {
  db: Database;
  logger: Logger;
  mailer: Mailer;
  /** Where the Status tab is, for the link in each email. */
  publicUrl: string;
}

export interface FailureNotifier {
  /** After a sync job: announce the firm's new groups now, unless the firm takes a digest. */
  afterSync(firmId: string): Promise<void>;
  /** Once a day: one email per digest firm with every group not yet announced. */
  sendDigests(): Promise<void>;
}

const KIND_WORDS: Record<string, string> = {
  contact: 'contact',
  bill: 'bill',
  credit_memo: 'credit note',
  payment_allocation: 'payment',
  hard_cost: 'hard cost',
  firm: 'sync',
  // The agreement check's differences (server/agreement) name the records they are about.
  agreement_bill: 'bill',
  agreement_client: 'client',
  agreement_hard_cost: 'hard cost',
};

function describe(g: OpenErrorGroup): string {
  const what = KIND_WORDS[g.kind] ?? g.kind.replace(/_/g, ' ');
  const records = g.clioIds.length
    ? `${g.clioIds.length} ${what}${g.clioIds.length === 1 ? '' : 's'} (Clio ids ${g.clioIds.slice(0, 20).join(', ')}${g.clioIds.length > 20 ? ', …' : ''})`
    : '';
  return [`Cause: ${g.cause}`, `Fix: ${g.fix}`, records && `Affected: ${records}`].filter(Boolean).join('\n');
}

function groupEmail(firmName: string, statusUrl: string, g: OpenErrorGroup): Omit<MailMessage, 'to'> {
  const subject =
    g.code === 'AUTH_REVOKED'
      ? `Reconnect Xero: syncing for ${firmName} is paused`
      : `Sync to Xero: ${KIND_WORDS[g.kind] ?? g.kind} failures for ${firmName} (${g.code})`;
  return { subject, text: `${describe(g)}\n\nSee and retry them on the Status tab: ${statusUrl}\n` };
}

function digestEmail(firmName: string, statusUrl: string, groups: OpenErrorGroup[]): Omit<MailMessage, 'to'> {
  return {
    subject: `Sync to Xero: ${groups.length} new failure group${groups.length === 1 ? '' : 's'} for ${firmName}`,
    text: `${groups.map((g) => `${g.code}\n${describe(g)}`).join('\n\n')}\n\nSee and retry them on the Status tab: ${statusUrl}\n`,
  };
}

export function createFailureNotifier(deps: FailureNotifierDeps): FailureNotifier {
  const statusUrl = `${deps.publicUrl}/app/status`;

  /** Claims the groups, sends, and gives them back if the send fails (the next sync or digest retries). */
  async function sendClaimed(groups: OpenErrorGroup[], message: (claimed: OpenErrorGroup[]) => MailMessage): Promise<void> {
    const claimed = new Set(
      await claimAnnouncements(
        deps.db,
        groups.map((g) => g.id),
      ),
    );
    const mine = groups.filter((g) => claimed.has(g.id));
    if (mine.length === 0) return;
    try {
      await deps.mailer.send(message(mine));
    } catch (err) {
      await releaseAnnouncements(deps.db, [...claimed]);
      deps.logger.warn({ err: { message: (err as Error).message } }, 'failure email not sent; will retry');
    }
  }

  async function announce(firmId: string, mode: 'immediate' | 'digest'): Promise<void> {
    const settings = await getSettings(deps.db, firmId);
    if (!settings) return;
    // A run that read the settings just before the admin completed them can still have recorded
    // SETTINGS_INCOMPLETE; what the admin has fixed already is not news (the next run resolves it).
    const groups = (await unannouncedErrors(deps.db, firmId)).filter((g) => g.code !== 'SETTINGS_INCOMPLETE' || missingForSync(settings).length > 0);
    if (groups.length === 0) return;
    const to = settings.notifyEmail;
    if (!to) {
      // Nobody asked to hear about these: they are not news later either.
      await claimAnnouncements(
        deps.db,
        groups.map((g) => g.id),
      );
      return;
    }
    const firmName = (await getFirm(deps.db, firmId))?.name ?? 'your firm';
    if (mode === 'digest') {
      if (settings.notifyDigest) await sendClaimed(groups, (gs) => ({ to, ...digestEmail(firmName, statusUrl, gs) }));
      return;
    }
    if (settings.notifyDigest) return;
    for (const g of groups) await sendClaimed([g], ([one]) => ({ to, ...groupEmail(firmName, statusUrl, one!) }));
  }

  return {
    afterSync: (firmId) => announce(firmId, 'immediate'),
    async sendDigests() {
      for (const firmId of await firmsWithUnannouncedErrors(deps.db)) await announce(firmId, 'digest');
    },
  };
}
