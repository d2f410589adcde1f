import { Hono } from 'hono';
import { APP_NAME } from '../../clio/app-definition';
import type { AppEnv } from '../env';
import { PAGE_CSS, PAGE_CSS_PATH, textPage } from '../pages';

/** Paths the app listing (manifest.json) points at; the listing needs them served by the app. */
export const PUBLIC_PAGE_PATHS = { privacy: '/privacy', terms: '/terms', support: '/support' } as const;

// Drafts to be reviewed by counsel before listing; they state what the code actually does
// (each claim has a test: test/offboarding/*.test.ts, test/http/public-pages.test.ts).
const privacy = (purgeAfterDays: number) => [
  {
    heading: 'What we process',
    text: `${APP_NAME} reads contacts, matters, bills, activities, credit notes, interest and payments from your Clio Manage account and writes the matching contacts, invoices, credit notes, payments and spend-money transactions to the Xero organisation you choose, and reads back the contacts, invoices and payments your bookkeeper changes in Xero.`,
  },
  {
    heading: 'How we keep it',
    text: 'We store only what the sync needs: the links between Clio and Xero records, fingerprints of what was last sent, a history of what each sync created, updated or skipped, and your OAuth tokens, which are encrypted at rest and never shown to a browser or written to a log. Each firm sees only its own data.',
  },
  {
    heading: 'Security log',
    text: 'We record sign-ins, connections and disconnections of Clio and Xero, changes to the sync settings, removals of the app and deletions, each with who, when and the network address it came from. This log cannot be changed and is kept for one year, also after your firm’s other data is deleted.',
  },
  {
    heading: 'What we never do',
    text: 'We do not sell your data, do not use data from Xero or Clio to train any AI or machine-learning model, and do not share it with anyone except the hosting provider that runs the service.',
  },
  {
    heading: 'Disconnecting and deletion',
    text: `Disconnecting Xero removes our connection at Xero and deletes the Xero tokens at once. Removing the app in Clio (or "Disconnect Clio" in the add-on, or revoking its access in Clio) revokes our Clio access, deletes the Clio and Xero tokens, disconnects your Xero organisation at Xero and stops all syncing. The rest of your firm’s data is deleted ${purgeAfterDays} days after the app is removed, or sooner if you write to the support address below.`,
  },
];

const TERMS = [
  {
    text: `${APP_NAME} copies billing records between Clio Manage and Xero as configured by your firm's administrator. You remain responsible for your books; review what the sync reports as failed and the accounts you map. The service is provided as is while in early access.`,
  },
];

const SUPPORT = [
  {
    text: 'Most problems show on the add-on’s status and settings pages with what went wrong and how to fix it. For anything else, write to support@ledgerbridge.example with your firm name and, where it applies, the Clio bill or contact concerned.',
  },
];

/** `purgeAfterDays`: the configured PURGE_AFTER_DAYS, which the privacy page states. */
export function publicPageRoutes(purgeAfterDays = 30) {
  const PRIVACY = privacy(purgeAfterDays);
  return new Hono<AppEnv>()
    .get(PAGE_CSS_PATH, (c) => {
      c.header('Cache-Control', 'public, max-age=3600');
      return c.body(PAGE_CSS, 200, { 'content-type': 'text/css; charset=utf-8' });
    })
    .get(PUBLIC_PAGE_PATHS.privacy, (c) => textPage(c, 200, 'Privacy policy', PRIVACY))
    .get(PUBLIC_PAGE_PATHS.terms, (c) => textPage(c, 200, 'Terms of service', TERMS))
    .get(PUBLIC_PAGE_PATHS.support, (c) => textPage(c, 200, 'Support', SUPPORT));
}
