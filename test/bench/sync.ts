// The sync benchmark: a scaled firm built in the Clio emulator, backfilled to the Xero emulator
// by the real server (a child process, `tsx server/index.ts` as `npm start` runs it) over real
// HTTP with both services' rate limits on; then incremental sync through Clio's webhooks, and an
// idle sweep. Figures only: nothing here asserts a timing.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { SANDBOX } from '../../server/config';
import { lastCheck } from '../../server/agreement/repository';
import { createDatabase, type Database } from '../../server/db/database';
import { startEmbeddedPostgres } from '../../server/db/embedded-postgres';
import { enqueueSyncFirm, firmQueueName } from '../../server/jobs/enqueue';
import { freePort } from '../../server/net/free-port';
import { hardCostReference } from '../../server/sync/mapping/hard-costs';
import { paymentReference } from '../../server/sync/mapping/payments';
import { activityTotal, recordActivity } from '../emulators/clio/activities-model';
import { billTotals, round2 } from '../emulators/clio/bill-totals';
import { createBill, setBillState } from '../emulators/clio/bills-model';
import { createContact, type ContactInput } from '../emulators/clio/contacts-model';
import { settingsForSeededChart } from '../ui-api/connected-stack';
import { addCreditMemo, addInterest, recordPayment } from '../emulators/clio/money';
import { openMatter } from '../emulators/clio/seed';
import type { ClioState } from '../emulators/clio/state';
import type { Contact, Matter } from '../emulators/clio/records';
import { type RunningEmulators, startEmulators } from '../emulators/start';
import { SEED_TENANTS } from '../emulators/xero/index';
import type { Tenant } from '../emulators/xero/store';
import { type ManualFetch, newBrowser } from '../support/cookie-jar';
import { startServerProcess } from '../support/process';
import { apiClient, sessionTokenFrom } from '../support/stack';

export interface SyncBenchOptions {
  /** 1 = the services' real limits. N shrinks both emulators' rate windows N times (and our Clio pacing window with them). */
  timeScale: number;
  bills: number;
  contacts: number;
  incrementals: number;
  /** How many contact edits the bookkeeper makes in Xero, each timed until Clio holds it. */
  xeroEdits: number;
}

const TENANT = SEED_TENANTS.primary.tenantId;
const CLIO_PER_MIN = 50;
const XERO_PER_MIN = 60;
const XERO_BATCH = 50;
/** Xero's GET /Contacts pages hold up to 1,000. */
const XERO_CONTACT_PAGE = 1_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/**
 * One browser (cookies kept: our OAuth start binds the flow to the browser with a cookie its
 * callback checks) following redirects through both OAuth flows; the locations it was sent to.
 */
async function follow(browser: ManualFetch, url: string, first?: RequestInit): Promise<string[]> {
  const seen: string[] = [];
  for (let next: string | null = url, init = first; next && /^https?:/.test(next) && seen.length < 10; init = undefined) {
    const res: Response = await browser(next, init);
    next = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    if (next) {
      next = new URL(next, res.url || seen.at(-1) || url).toString();
      seen.push(next);
    }
  }
  return seen;
}
const log = (line: string) => console.log(`[sync] ${line}`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// ─── The firm ────────────────────────────────────────────────────────────────────────────────

const FIRST = ['Olivia', 'Noah', 'Amelia', 'Liam', 'Isla', 'Jack', 'Mia', 'William', 'Grace', 'Henry', 'Chloe', 'Lucas'];
const LAST = ['Taylor', 'Nguyen', 'Brown', 'Wilson', 'Martin', "O'Connor", 'Singh', 'Kelly', 'Walker', 'Harris', 'Clarke', 'Patel'];

function clientInput(i: number): ContactInput {
  const phone = [{ name: 'Work', number: `+61 4${String(i).padStart(8, '0')}`, default_number: true }];
  if (i % 3 === 2) {
    return {
      type: 'Company',
      name: `Bench Client ${String(i).padStart(5, '0')} Pty Ltd`,
      email_addresses: [{ name: 'Work', address: `accounts${i}@bench-client.example`, default_email: true }],
      phone_numbers: phone,
      addresses: [{ name: 'Billing', street: `${i} George Street`, city: 'Sydney', province: 'NSW', postal_code: '2000', country: 'Australia' }],
    } as ContactInput;
  }
  // Unique last names: the benchmark measures batching, not the namesake path (bills.stack.test.ts covers that).
  return {
    type: 'Person',
    first_name: FIRST[i % FIRST.length],
    last_name: `${LAST[i % LAST.length]}-${i}`,
    email_addresses: [{ name: 'Work', address: `client${i}@bench-client.example`, default_email: true }],
    phone_numbers: phone,
  } as ContactInput;
}

interface FirmShape {
  contacts: number;
  vendors: number;
  bills: number;
  lines: number;
  creditMemos: number;
  interest: number;
  /** Bills paid in full (the rest of the bills are part-paid). */
  paid: number;
  /** Clio payments (one a bill) and their allocations (two where a payment also covers interest). */
  payments: number;
  paymentAllocations: number;
  hardCosts: number;
  matters: Matter[];
}

/** One hard cost for every this many bills; one vendor for every this many hard costs. */
const BILLS_PER_HARD_COST = 10;
const HARD_COSTS_PER_VENDOR = 10;
const VENDOR_PREFIX = 'Bench Vendor';

/**
 * Straight into the emulator's state through the same model operations the control API uses
 * (the seed's shape — 15 contacts to 60 bills, a third of them unapproved — does not fit): every
 * bill approved with 4 time entries and 1 expense; one in 25 carries a credit memo, one in 25
 * interest; every bill then takes a manual payment, half of them in full and half in part (a
 * payment on a bill with interest owed is two allocations, interest first). One hard cost for
 * every 10 bills, on the bill's matter and unbilled, paid to one of a few vendors (one vendor for
 * every 10 hard costs). Clients are reused round-robin when bills > contacts.
 */
function buildFirm(state: ClioState, opts: { contacts: number; bills: number; tick: () => void }): FirmShape {
  const today = state.clock.now();
  const daysAgo = (d: number) => new Date(today.getTime() - d * 86_400_000).toISOString().slice(0, 10);
  const users = state.users.all();
  const admin = users[0]!;
  const hourly = state.activityDescriptions.all().filter((d) => d.category_type === 'hourly');
  const matters: Matter[] = [];
  for (let i = 0; i < opts.contacts; i++) {
    opts.tick();
    const client: Contact = createContact(state, clientInput(i));
    matters.push(openMatter(state, client, 'Commercial advice', users[i % users.length]!, daysAgo(200)));
  }
  const hardCosts = Math.ceil(opts.bills / BILLS_PER_HARD_COST);
  const vendors: Contact[] = [];
  for (let v = 0; v < Math.ceil(hardCosts / HARD_COSTS_PER_VENDOR); v++) {
    opts.tick();
    vendors.push(createContact(state, { type: 'Company', name: `${VENDOR_PREFIX} ${String(v).padStart(4, '0')} Pty Ltd` } as ContactInput));
  }
  const shape: FirmShape = {
    contacts: opts.contacts,
    vendors: vendors.length,
    bills: 0,
    lines: 0,
    creditMemos: 0,
    interest: 0,
    paid: 0,
    payments: 0,
    paymentAllocations: 0,
    hardCosts: 0,
    matters,
  };
  for (let b = 0; b < opts.bills; b++) {
    opts.tick();
    const matter = matters[b % matters.length]!;
    const user = users[b % users.length]!;
    const issuedDaysAgo = 5 + (b % 50);
    const activityIds = [
      ...Array.from(
        { length: 4 },
        (_, k) =>
          recordActivity(
            state,
            {
              type: 'TimeEntry',
              date: daysAgo(issuedDaysAgo + 1 + k),
              quantity: (1 + ((b * 7 + k * 13) % 40)) * 360,
              note: `Work item ${k + 1} on ${matter.display_number}`,
              matter: { id: matter.id },
              activity_description: { id: hourly[(b + k) % hourly.length]!.id },
              user: { id: user.id },
            },
            user.id,
          ).id,
      ),
      recordActivity(
        state,
        {
          type: 'ExpenseEntry',
          date: daysAgo(issuedDaysAgo + 1),
          quantity: 1,
          price: 12.5 + (b % 100),
          note: 'Search fees',
          matter: { id: matter.id },
          tax_setting: 'tax_1_only',
          user: { id: user.id },
        },
        user.id,
      ).id,
    ];
    const draft = createBill(state, {
      activity_ids: activityIds,
      user_id: user.id,
      issued_at: daysAgo(issuedDaysAgo),
      due_at: daysAgo(issuedDaysAgo - 30),
      subject: `Professional services: ${matter.description}`,
    });
    const bill = setBillState(state, draft, 'awaiting_payment');
    shape.bills++;
    shape.lines += activityIds.length;
    if (b % 25 === 0) {
      const amount = round2(Math.max(1, billTotals(state, bill).balance * 0.1));
      addCreditMemo(state, state.bills.require(bill.id), { amount, date: daysAgo(Math.max(0, issuedDaysAgo - 2)), description: 'Goodwill credit', user_id: admin.id });
      shape.creditMemos++;
    } else if (b % 25 === 5) {
      addInterest(state, state.bills.require(bill.id), { amount: round2(5 + (b % 20)), date: daysAgo(1) });
      shape.interest++;
    }
    const current = state.bills.require(bill.id);
    const balance = billTotals(state, current).balance;
    const inFull = b % 2 === 0;
    const paid = recordPayment(state, current, {
      amount: inFull ? balance : round2(Math.max(0.01, balance * 0.4)),
      date: daysAgo(Math.max(0, issuedDaysAgo - 3)),
      method: 'manual',
      user_id: admin.id,
      reference: `REF-${bill.id}`,
    });
    shape.payments++;
    if (inFull) shape.paid++;
    if ((paid.bill.state === 'paid') !== inFull) throw new Error(`bill ${bill.id}: payment left it ${paid.bill.state}`);
    if (b % BILLS_PER_HARD_COST === 7 || (b === opts.bills - 1 && shape.hardCosts < hardCosts)) {
      recordActivity(
        state,
        {
          type: 'HardCostEntry',
          date: daysAgo(issuedDaysAgo + 2),
          quantity: 1,
          price: 55 + (b % 300),
          note: 'Court filing fee',
          matter: { id: matter.id },
          vendor: { id: vendors[shape.hardCosts % vendors.length]!.id },
          tax_setting: b % 20 < 10 ? 'no_tax' : 'tax_1_only',
          user: { id: user.id },
        },
        user.id,
      );
      shape.hardCosts++;
    }
  }
  shape.paymentAllocations = state.allocations.all().filter((a) => a.parent_type === 'Payment').length;
  return shape;
}

// ─── Counting what reached the services ──────────────────────────────────────────────────────

interface Calls {
  clio: number;
  clio429: number;
  /** GETs: what the Clio → Xero direction reads (its listings); the Xero → Clio direction reads Clio only after a Xero change. */
  clioReads: number;
  xero: number;
  xero429: number;
  /** GETs: what the Xero → Clio direction reads (changed contacts and payments); the Clio → Xero direction reads Xero only before a create it may have made already. */
  xeroReads: number;
  clioByPath: Record<string, number>;
  xeroByPath: Record<string, number>;
  /** Which calls Xero answered 429. */
  xero429ByPath: Record<string, number>;
}

/**
 * Normalises ids out of a path, so calls group by endpoint. A Xero read also names how it chose
 * its records (IDs=, where=, If-Modified-Since, or paging through all), which tells the reads of a
 * pull (our own writes echoed back by webhook are read by id) from the look-ups before a create.
 */
const endpoint = (method: string, path: string, by = '') =>
  `${method} ${path.replace(/\/[0-9a-f]{8}-[0-9a-f-]{27,}/gi, '/{id}').replace(/\/\d+(?=\/|\.json|$)/g, '/{id}')}${by}`;
const xeroReadBy = (e: { method: string; query: Record<string, string>; headers: Record<string, string> }) => {
  if (e.method !== 'GET') return '';
  const by = [...['IDs', 'where'].filter((k) => k in e.query), ...('if-modified-since' in e.headers ? ['If-Modified-Since'] : [])];
  return ` (${by.length ? by.join('+') : 'all'})`;
};

async function readCalls(em: RunningEmulators): Promise<Calls> {
  const clioLog = (await (await fetch(`${em.clio.url}/_emulator/requests`)).json()) as { data: { method: string; path: string; status: number }[] };
  // Clio's API only: OAuth token exchanges are not API calls.
  const clio = clioLog.data.filter((e) => e.path.startsWith('/api/'));
  // Xero's Accounting API only: identity (/connect/token, /connections) and /_emulator are left out,
  // and so are the chart reads (Accounts, TaxRates) with which PUT /api/settings checks the codes it
  // is given (server/settings/xero-chart.ts): the settings page makes them, not the sync.
  const xero = em.xero.emulator.requestLog.entries.filter((e) => e.path.startsWith('/api.xro/') && !/\/(Accounts|TaxRates)$/.test(e.path));
  const group = <E extends { method: string; path: string }>(list: E[], by: (e: E) => string = () => '') => {
    const out: Record<string, number> = {};
    for (const e of list) {
      const key = endpoint(e.method, e.path, by(e));
      out[key] = (out[key] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
  };
  return {
    clio: clio.length,
    clio429: clio.filter((e) => e.status === 429).length,
    clioReads: clio.filter((e) => e.method === 'GET').length,
    xero: xero.length,
    xero429: xero.filter((e) => e.status === 429).length,
    xeroReads: xero.filter((e) => e.method === 'GET').length,
    clioByPath: group(clio),
    xeroByPath: group(xero, xeroReadBy),
    xero429ByPath: group(
      xero.filter((e) => e.status === 429),
      xeroReadBy,
    ),
  };
}

async function clearCalls(em: RunningEmulators): Promise<void> {
  await fetch(`${em.clio.url}/_emulator/requests`, { method: 'DELETE' });
  await fetch(`${em.xero.url}/_emulator/requests`, { method: 'DELETE' });
}

function xeroCounts(em: RunningEmulators) {
  const t = em.xero.emulator.state.tenants.get(TENANT)!;
  const invoices = [...t.invoices.values()].filter((i) => i.Type === 'ACCREC');
  const vendors = [...t.contacts.values()].filter((c) => c.Name.startsWith(VENDOR_PREFIX)).length;
  return {
    contacts: t.contacts.size,
    vendors,
    invoices: invoices.length,
    creditNotes: t.creditNotes.size,
    allocations: t.allocations.size,
    payments: t.payments.size,
    bankTransactions: t.bankTransactions.size,
  };
}

/**
 * Every Clio payment allocation → exactly one live Xero payment of its amount on its bill's
 * invoice; every hard cost → exactly one live SPEND of its total. Matched by the references the
 * engine writes (mapping/payments.ts, mapping/hard-costs.ts).
 */
function checkMoney(clio: ClioState, tenant: Tenant) {
  const count = <T>(list: T[], key: (t: T) => string | undefined) => {
    const out = new Map<string, T[]>();
    for (const t of list) {
      const k = key(t);
      if (k !== undefined) out.set(k, [...(out.get(k) ?? []), t]);
    }
    return out;
  };
  const payments = count(
    [...tenant.payments.values()].filter((p) => p.Status !== 'DELETED'),
    (p) => p.Reference,
  );
  const p = { missing: 0, duplicate: 0, mismatched: 0 };
  for (const a of clio.allocations.all()) {
    if (a.parent_type !== 'Payment' || a.voided_at) continue;
    const found = payments.get(paymentReference(a.id)) ?? [];
    if (found.length === 0) p.missing++;
    else if (found.length > 1) p.duplicate++;
    else {
      const invoice = tenant.invoices.get(found[0]!.InvoiceID);
      if (Math.round(found[0]!.Amount * 100) !== Math.round(a.amount * 100) || invoice?.Number !== clio.bills.require(a.bill_id).number) p.mismatched++;
    }
  }
  const spends = count(
    [...tenant.bankTransactions.values()].filter((t) => t.Status !== 'DELETED' && t.Type === 'SPEND'),
    (t) => t.Reference,
  );
  const h = { missing: 0, duplicate: 0, mismatched: 0 };
  for (const cost of clio.activities.all()) {
    if (cost.type !== 'HardCostEntry') continue;
    const found = spends.get(hardCostReference(cost.id)) ?? [];
    if (found.length === 0) h.missing++;
    else if (found.length > 1) h.duplicate++;
    else if (Math.round(found[0]!.Total * 100) !== Math.round(activityTotal(cost) * 100)) h.mismatched++;
  }
  return { payments: p, hardCosts: h };
}

// ─── The server ──────────────────────────────────────────────────────────────────────────────

async function rssOf(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

export async function runSyncBench(opts: SyncBenchOptions): Promise<Record<string, unknown>> {
  const scale = opts.timeScale;
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-sync-'));
  const pg = await startEmbeddedPostgres({ dataDir });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // Clio's emulator shrinks its window by timeScale (60 s / N); Xero's multiplies its windows by
  // its timeScale, so 1/N shrinks them the same. Neither turns a limit off.
  const em = await startEmulators({ clioPort: 0, xeroPort: 0, addonUrl: baseUrl, seed: true, clio: { seed: false, timeScale: scale }, xero: { timeScale: 1 / scale } });
  const t0 = performance.now();
  // Built "ten minutes ago" on the Clio emulator's clock, as an existing firm's records are older
  // than its first sync: otherwise every record would fall inside the engine's cursor margin
  // (run start − 60 s) and the first sweep after the backfill would read the whole firm again.
  // Clio stamps updated_at to the second and a firm does not make a thousand bills in one, so the
  // build's clock steps 300 ms a bill (the engine's cursor is inclusive: a run re-reads its newest second).
  const clock = em.clio.emulator.state.clock;
  const back = 10 * 60_000 + (opts.contacts + opts.bills + Math.ceil(opts.bills / BILLS_PER_HARD_COST / HARD_COSTS_PER_VENDOR)) * 300;
  clock.advance(-back);
  const shape = buildFirm(em.clio.emulator.state, { ...opts, tick: () => clock.advance(300) });
  clock.advance(10 * 60_000);
  log(
    `firm built in the Clio emulator in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${shape.contacts} contacts, ${shape.bills} approved bills, ${shape.lines} lines (${(shape.lines / shape.bills).toFixed(1)} a bill), ${shape.creditMemos} credit memos, ${shape.interest} with interest, ${shape.payments} payments (${shape.paymentAllocations} allocations; ${shape.paid} bills paid in full, the rest in part), ${shape.hardCosts} hard costs to ${shape.vendors} vendors`,
  );

  const { db } = createDatabase(pg.url, { max: 2 });
  const server = startServerProcess({
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    DATABASE_URL: pg.url,
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    CLIO_CLIENT_ID: SANDBOX.clientId,
    CLIO_CLIENT_SECRET: SANDBOX.clientSecret,
    CLIO_US_BASE_URL: em.clio.url,
    CLIO_RATE_WINDOW_MS: String(Math.round(60_000 / scale)),
    XERO_RATE_WINDOW_MS: String(Math.round(60_000 / scale)),
    XERO_CLIENT_ID: SANDBOX.clientId,
    XERO_CLIENT_SECRET: SANDBOX.clientSecret,
    XERO_WEBHOOK_KEY: SANDBOX.xeroWebhookKey,
    XERO_LOGIN_URL: em.xero.url,
    XERO_IDENTITY_URL: em.xero.url,
    XERO_API_URL: em.xero.url,
  });
  const pid = server.child.pid!;
  let peakSampled = 0;
  const sampler = setInterval(() => void rssOf(pid).then((r) => (peakSampled = Math.max(peakSampled, r.rss))), 200);

  try {
    // LOG_LEVEL warn (a backfill at info logs a line per run and request) hides the start-up line: readiness is the signal.
    for (let i = 0; ; i++) {
      if (server.child.exitCode !== null) throw new Error(`server exited:\n${server.lines.join('\n')}`);
      const res = await fetch(`${baseUrl}/readyz`).catch(() => undefined);
      if (res?.status === 200) break;
      if (i > 3000) throw new Error(`server not ready:\n${server.lines.join('\n')}`);
      await sleep(20);
    }

    // Install from Clio (admin), connect Xero's primary organisation.
    const browser = newBrowser();
    const installHops = await follow(browser, `${baseUrl}/oauth/clio/start?region=us`);
    const token = sessionTokenFrom(installHops.find((l) => l.includes('#token=')) ?? '');
    if (!token) throw new Error(`install failed: ${JSON.stringify(installHops)}`);
    const call = apiClient(baseUrl, token);
    const started = await call('POST', '/api/xero/connect');
    // The page submits the start link with its session (issue 15): the link alone opens nothing.
    await follow(browser, started.body.authorizeUrl, { method: 'POST', body: new URLSearchParams({ token }) });
    const confirmed = await call('POST', '/api/xero/organisation', { tenantId: TENANT });
    if (confirmed.status !== 200) throw new Error(`Xero organisation refused: ${JSON.stringify(confirmed.body)}`);
    const firm = await db.selectFrom('firms').select('id').executeTakeFirstOrThrow();
    const firmId = firm.id;

    const lastSuccess = async () =>
      (await db.selectFrom('sync_runs').select('last_success_at').where('firm_id', '=', firmId).executeTakeFirst())?.last_success_at?.getTime() ?? 0;
    /** Webhooks delivered and the firm's queue empty; a job failing is reported, not hidden. */
    const failures = new Set<string>();
    const jobErrors = async () => {
      const { rows } = await sql<{ task: string; last_error: string | null }>`
        select t.identifier as task, j.last_error from graphile_worker._private_jobs j
        join graphile_worker._private_tasks t on t.id = j.task_id
        join graphile_worker._private_job_queues q on q.id = j.job_queue_id
        where q.queue_name = ${firmQueueName(firmId)} and j.last_error is not null`.execute(db);
      for (const r of rows)
        if (r.last_error && !failures.has(r.last_error)) {
          failures.add(r.last_error);
          log(`JOB FAILED (will retry): ${r.task}: ${r.last_error.slice(0, 300)}`);
        }
    };
    const settled = async (timeoutMs: number) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        await em.clio.emulator.flushWebhooks();
        const { rows } = await sql<{ task: string; last_error: string | null; attempts: number; max_attempts: number }>`
          select t.identifier as task, j.last_error, j.attempts, j.max_attempts from graphile_worker._private_jobs j
          join graphile_worker._private_tasks t on t.id = j.task_id
          join graphile_worker._private_job_queues q on q.id = j.job_queue_id
          where q.queue_name = ${firmQueueName(firmId)}`.execute(db);
        for (const r of rows)
          if (r.last_error && !failures.has(r.last_error)) {
            failures.add(r.last_error);
            log(`JOB FAILED (will retry): ${r.task}: ${r.last_error.slice(0, 300)}`);
          }
        if (rows.filter((r) => r.attempts < r.max_attempts).length === 0) return;
        if (Date.now() > until) throw new Error(`queue not empty after ${timeoutMs} ms: ${JSON.stringify(rows)}`);
        await sleep(50);
      }
    };
    // Contact matching (queued on connect) reads both sides' contacts; it is connect-time work, not the backfill.
    await settled(600_000);
    const match = await readCalls(em);
    log(`connect: contact matching and set-up took ${match.clio} Clio and ${match.xero} Xero calls (not counted below)`);

    // ── Backfill: saving the settings queues the first sync.
    await clearCalls(em);
    const before = xeroCounts(em);
    const backfillStart = performance.now();
    // Hard costs from a quarter before the oldest bench hard cost (at most 57 days old).
    const settings = backfillSettings(new Date(clock.now().getTime() - 90 * 86_400_000).toISOString().slice(0, 10));
    const saved = await call('PUT', '/api/settings', settings);
    if (saved.status !== 200) throw new Error(`settings refused: ${JSON.stringify(saved.body)}`);
    let lastReport = performance.now();
    for (;;) {
      if ((await lastSuccess()) > 0) break;
      if (server.child.exitCode !== null || server.child.signalCode !== null) {
        throw new Error(
          `the server exited during the backfill (code ${server.child.exitCode}, signal ${server.child.signalCode}); its last lines:\n${server.lines.slice(-40).join('\n')}`,
        );
      }
      await jobErrors();
      if (performance.now() - lastReport > 30_000) {
        lastReport = performance.now();
        const c = xeroCounts(em);
        log(
          `  … ${((performance.now() - backfillStart) / 1000).toFixed(0)} s: ${c.contacts - before.contacts} contacts, ${c.invoices - before.invoices} invoices, ${c.creditNotes - before.creditNotes} credit notes, ${c.allocations - before.allocations} allocations, ${c.payments - before.payments} payments, ${c.bankTransactions - before.bankTransactions} bank transactions in Xero`,
        );
      }
      await sleep(100);
    }
    await settled(600_000);
    const wallS = (performance.now() - backfillStart) / 1000;
    const backfill = await readCalls(em);
    const backfillLog = process.env.BENCH_DUMP ? await (await fetch(`${em.clio.url}/_emulator/requests`)).json() : undefined;
    const after = xeroCounts(em);
    const written = {
      contacts: after.contacts - before.contacts,
      invoices: after.invoices - before.invoices,
      creditNotes: after.creditNotes - before.creditNotes,
      allocations: after.allocations - before.allocations,
      payments: after.payments - before.payments,
      bankTransactions: after.bankTransactions - before.bankTransactions,
    };
    const vendorsWritten = after.vendors - before.vendors;
    const records = written.contacts + written.invoices + written.creditNotes + written.allocations + written.payments + written.bankTransactions;
    // The batching lower bound: Xero takes up to 50 contacts, invoices, credit notes, payments or
    // bank transactions a call, but allocates one credit note per call (PUT /CreditNotes/{id}/Allocations
    // has no batch form). Vendors are counted in batches of their own: they are created with the hard
    // costs that name them, after the bills' clients (a client batch cannot wait for the hard costs).
    // The one read counted as unavoidable: before creating contacts the engine must know which
    // already exist in Xero (never a duplicate, never a merge) — at best one paged GET /Contacts
    // per 1,000 contacts the organisation held. Connect-time reads (organisation, chart, tax rates,
    // contact matching) are not part of the backfill and not counted on either side.
    const minXero =
      Math.ceil((written.contacts - vendorsWritten) / XERO_BATCH) +
      Math.ceil(vendorsWritten / XERO_BATCH) +
      Math.ceil(written.invoices / XERO_BATCH) +
      Math.ceil(written.payments / XERO_BATCH) +
      Math.ceil(written.bankTransactions / XERO_BATCH) +
      Math.ceil(written.creditNotes / XERO_BATCH) +
      written.allocations +
      Math.max(1, Math.ceil(before.contacts / XERO_CONTACT_PAGE));
    // What the limits force: the slower service's calls at its per-minute rate, in this run's seconds.
    const floorS = (Math.max(backfill.clio / CLIO_PER_MIN, backfill.xero / XERO_PER_MIN) * 60) / scale;
    log(
      `backfill: ${records} Xero records (${written.contacts} contacts of which ${vendorsWritten} vendors, ${written.invoices} invoices, ${written.creditNotes} credit notes, ${written.allocations} allocations, ${written.payments} payments, ${written.bankTransactions} bank transactions) in ${wallS.toFixed(1)} s; floor ${floorS.toFixed(1)} s`,
    );
    log(
      `  Xero: ${backfill.xero} calls (${backfill.xero429} × 429: ${JSON.stringify(backfill.xero429ByPath)}), lower bound ${minXero}; by endpoint ${JSON.stringify(backfill.xeroByPath)}`,
    );
    log(`  Clio: ${backfill.clio} calls (${backfill.clio429} × 429); by endpoint ${JSON.stringify(backfill.clioByPath)}`);

    // Correctness while we are here: one invoice per bill, equal to Clio's total.
    const clioState = em.clio.emulator.state;
    const tenant = em.xero.emulator.state.tenants.get(TENANT)!;
    const byNumber = new Map<string, number>();
    for (const inv of tenant.invoices.values()) if (inv.Type === 'ACCREC' && inv.Status !== 'DELETED') byNumber.set(inv.Number, (byNumber.get(inv.Number) ?? 0) + 1);
    const duplicates = [...byNumber.values()].filter((n) => n > 1).length;
    const invoiceOf = new Map([...tenant.invoices.values()].filter((i) => i.Type === 'ACCREC').map((i) => [i.Number, i]));
    let missing = 0;
    let mismatched = 0;
    for (const bill of clioState.bills.all()) {
      const inv = invoiceOf.get(bill.number);
      if (!inv) missing++;
      else if (Math.round(inv.Total * 100) !== Math.round(billTotals(clioState, bill).total * 100)) mismatched++;
    }
    const money = checkMoney(clioState, tenant);
    const errors = (await call('GET', '/api/sync/errors')).body.errors as { code: string; count: number }[];
    log(
      `  checks: ${missing} bills without an invoice, ${duplicates} duplicate invoice numbers, ${mismatched} totals differing from Clio; payments ${JSON.stringify(money.payments)}; hard costs ${JSON.stringify(money.hardCosts)}; open errors ${JSON.stringify(errors.map((e) => `${e.code}×${e.count}`))}`,
    );

    // ── Incremental: a bill approved in Clio → its invoice in Xero, through the webhook.
    // Start from a quiet Clio window so the backfill's tail does not count against the first bills.
    await sleep(60_000 / scale);
    await clearCalls(em);
    const clio = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${em.clio.url}/_emulator${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      const text = await r.text();
      const json = text ? JSON.parse(text) : undefined;
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
      return json?.data ?? json;
    };
    const today = clioState.clock.now().toISOString().slice(0, 10);
    const latencies: number[] = [];
    // One bill every 4 s (scaled): a busy billing day. Before hard costs this was inside Clio's 50
    // calls a minute (a bill cost the engine about 3); with hard costs on, each of a bill's activity
    // webhooks (create, then attach to the bill) is read to see whether it is a hard cost (the
    // activity subscription carries no `type`), so a bill costs about 8 and the Clio pacer holds one
    // bill of the 20 for most of a window. Kept at 4 s so runs stay comparable.
    const gapMs = 4_000 / scale;
    for (let i = 0; i < opts.incrementals; i++) {
      const matter = shape.matters[(i * 37) % shape.matters.length]!;
      const a1 = await clio('POST', '/activities', {
        type: 'TimeEntry',
        date: today,
        quantity: 3600 + i * 360,
        price: 350,
        matter: { id: matter.id },
        note: 'Incremental',
        tax_setting: 'tax_1_only',
      });
      const a2 = await clio('POST', '/activities', {
        type: 'ExpenseEntry',
        date: today,
        quantity: 1,
        price: 42.5,
        matter: { id: matter.id },
        note: 'Search fees',
        tax_setting: 'tax_1_only',
      });
      const draft = await clio('POST', '/bills', { activity_ids: [a1.id, a2.id], issued_at: today });
      await settled(120_000); // the draft's own webhook is out of scope; let it pass first
      const number = clioState.bills.require(draft.id).number;
      const tStart = performance.now();
      await clio('POST', `/bills/${draft.id}/approve`);
      for (;;) {
        const found = [...tenant.invoices.values()].find((inv) => inv.Type === 'ACCREC' && inv.Number === number);
        if (found) break;
        if (performance.now() - tStart > 120_000) throw new Error(`invoice ${number} never reached Xero`);
        await sleep(20);
      }
      latencies.push(performance.now() - tStart);
      await settled(120_000);
      await sleep(gapMs);
    }
    const incremental = await readCalls(em);
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    log(
      `incremental: ${latencies.length} bills approved → invoice in Xero: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (bill ${latencies.indexOf(Math.max(...latencies)) + 1}); all ${JSON.stringify(latencies.map(Math.round))}; ${incremental.clio} Clio and ${incremental.xero} Xero calls (${(incremental.clio / latencies.length).toFixed(1)} and ${(incremental.xero / latencies.length).toFixed(1)} a bill): ${JSON.stringify({ ...incremental.clioByPath, ...incremental.xeroByPath })}`,
    );

    // ── Xero → Clio: the bookkeeper edits a synced client's email in Xero; timed until the linked
    // Clio contact's primary email is the new one (Xero's CONTACT webhook → pull → Clio PATCH).
    await clearCalls(em);
    const pullLatencies: number[] = [];
    let pullMisses = 0;
    for (let i = 0; i < opts.xeroEdits; i++) {
      // Clients the incremental bills did not touch ((i·37) there), each once.
      const clientId = shape.matters[(i * 53 + 11) % shape.matters.length]!.client_id;
      const link = await db
        .selectFrom('links')
        .select('xero_id')
        .where('firm_id', '=', firmId)
        .where('kind', '=', 'contact')
        .where('clio_id', '=', String(clientId))
        .executeTakeFirst();
      if (!link?.xero_id) throw new Error(`Clio contact ${clientId} is not linked to a Xero contact after the backfill`);
      const email = `bookkeeper${i}.${Date.now()}@bench-client.example`;
      const primaryEmail = () => clioState.contacts.require(clientId).email_addresses.find((e) => e.primary)?.address;
      const tStart = performance.now();
      const edited = await fetch(`${em.xero.url}/_emulator/tenants/${TENANT}/contacts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ContactID: link.xero_id, EmailAddress: email }),
      });
      if (!edited.ok) throw new Error(`Xero contact edit refused: ${edited.status} ${await edited.text()}`);
      for (;;) {
        if (primaryEmail() === email) {
          pullLatencies.push(performance.now() - tStart);
          break;
        }
        if (performance.now() - tStart > 120_000) {
          pullMisses++;
          log(`  Xero edit ${i}: Clio contact ${clientId} still has ${primaryEmail()} after 120 s (wanted ${email})`);
          break;
        }
        await sleep(20);
      }
      await settled(120_000); // Clio's webhook for our own write comes back; let it pass
      await sleep(gapMs);
    }
    const pulls = await readCalls(em);
    const pullP50 = percentile(pullLatencies, 50);
    const pullP95 = percentile(pullLatencies, 95);
    log(
      `Xero edit → Clio: ${pullLatencies.length} of ${opts.xeroEdits} contact emails edited in Xero reached Clio: p50 ${pullP50.toFixed(0)} ms, p95 ${pullP95.toFixed(0)} ms, max ${Math.max(...pullLatencies).toFixed(0)} ms; ${pulls.clio} Clio and ${pulls.xero} Xero calls: ${JSON.stringify({ ...pulls.clioByPath, ...pulls.xeroByPath })}`,
    );

    // ── Idle: nothing changed. A sync now lists every kind; a scheduled sweep lists what no webhook
    // announces and one webhook-announced kind in turn (ADR 0005), so a whole rotation is measured.
    const waitForRun = async (start: () => Promise<void>) => {
      await clearCalls(em);
      const before = await lastSuccess();
      await start();
      while ((await lastSuccess()) <= before) await sleep(50);
      await settled(120_000);
      return readCalls(em);
    };
    const syncNow = await waitForRun(async () => {
      const now = await call('POST', '/api/sync/now');
      if (now.status !== 202) throw new Error(`sync now refused: ${JSON.stringify(now.body)}`);
    });
    log(`idle sync now: ${syncNow.clio} Clio + ${syncNow.xero} Xero calls: ${JSON.stringify({ ...syncNow.clioByPath, ...syncNow.xeroByPath })}`);
    // A whole rotation of the webhook-announced listings: Clio contacts and bills, Xero contacts,
    // and with their settings on Clio hard costs and Xero invoices (ADR 0005).
    const rotation = 3 + Number(settings.syncHardCosts) + Number(settings.syncFromXero);
    const idleSweeps: Calls[] = [];
    for (let i = 0; i < rotation; i++) {
      const sweep = await waitForRun(() => enqueueSyncFirm(db, { firmId, reason: 'sweep' }));
      idleSweeps.push(sweep);
      log(
        `idle scheduled sweep ${i + 1} of ${rotation}: ${sweep.clio} Clio + ${sweep.xero} Xero calls (push direction reads ${sweep.clioReads} Clio, pull direction reads ${sweep.xeroReads} Xero): ${JSON.stringify({ ...sweep.clioByPath, ...sweep.xeroByPath })}`,
      );
    }
    const most = (f: (c: Calls) => number) => Math.max(...idleSweeps.map(f));

    // The daily agreement check ("Check now"): both sides read as listings, so a handful of calls per thousand bills.
    await clearCalls(em);
    const checkedBefore = (await lastCheck(db, firmId))?.checkedAt.getTime() ?? 0;
    const checkNow = await call('POST', '/api/agreement/check');
    if (checkNow.status !== 202) throw new Error(`agreement check refused: ${JSON.stringify(checkNow.body)}`);
    while (((await lastCheck(db, firmId))?.checkedAt.getTime() ?? 0) <= checkedBefore) await sleep(50);
    await settled(120_000);
    const agreementCalls = await readCalls(em);
    const agreement = (await lastCheck(db, firmId))!;
    const agreementPer1000 = Number((((agreementCalls.clio + agreementCalls.xero) * 1000) / Math.max(1, agreement.billsCompared)).toFixed(1));
    log(
      `agreement check: ${agreement.billsCompared} bills compared, ${agreement.differences.length} differences (${JSON.stringify(agreement.differences.slice(0, 5).map((d) => `${d.code} ${d.label}`))}); ${agreementCalls.clio} Clio + ${agreementCalls.xero} Xero calls = ${agreementPer1000} per 1,000 bills: ${JSON.stringify({ ...agreementCalls.clioByPath, ...agreementCalls.xeroByPath })}`,
    );

    const warnings = server.lines.filter((l) => /"level":(40|50|60)/.test(l));
    log(
      `server warnings/errors: ${warnings.length}${
        warnings.length
          ? `; first: ${warnings
              .slice(0, 5)
              .map((l) => l.slice(0, 400))
              .join(' | ')}`
          : ''
      }`,
    );
    if (process.env.BENCH_DUMP) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(process.env.BENCH_DUMP, JSON.stringify({ clioBackfill: backfillLog, serverLines: server.lines }, null, 1));
    }
    const mem = await rssOf(pid);
    clearInterval(sampler);
    const peak = Math.max(mem.hwm, peakSampled);
    log(
      `server process peak RSS ${peak.toFixed(0)} MiB (kernel VmHWM ${mem.hwm.toFixed(0)}, 200 ms samples ${peakSampled.toFixed(0)}; Postgres and the emulators are other processes / this one)`,
    );

    return {
      bench: 'sync',
      time_scale: scale,
      ...(scale === 1 ? {} : { note: "scaled run: both services' rate windows (and our pacers') are 1/time_scale of the real ones" }),
      bills: shape.bills,
      contacts: shape.contacts,
      credit_memos: shape.creditMemos,
      payments: shape.payments,
      payment_allocations: shape.paymentAllocations,
      hard_costs: shape.hardCosts,
      vendors: shape.vendors,
      records,
      records_by_kind: written,
      xero_calls: backfill.xero,
      min_xero_calls: minXero,
      call_ratio: Number((backfill.xero / minXero).toFixed(3)),
      clio_calls: backfill.clio,
      xero_429s: backfill.xero429,
      clio_429s: backfill.clio429,
      wall_s: Number(wallS.toFixed(1)),
      floor_s: Number(floorS.toFixed(1)),
      wall_over_floor: Number((wallS / floorS).toFixed(3)),
      // The same figures in real-limit seconds (what a run with time_scale 1 would be held to).
      wall_s_scaled_to_real: Number((wallS * scale).toFixed(1)),
      floor_s_at_real_limits: Number((floorS * scale).toFixed(1)),
      peak_rss_mb: Number(peak.toFixed(0)),
      incremental_p50_ms: Math.round(p50),
      incremental_p95_ms: Math.round(p95),
      // The costliest scheduled sweep of a whole rotation, and each one's; then by direction: Clio →
      // Xero reads Clio's allocations and one webhook-announced listing, Xero → Clio reads Xero's
      // payments (and in turn its contacts). Idle, neither writes anything.
      idle_sweep_calls_per_firm: most((c) => c.clio + c.xero),
      idle_sweep_calls_each: idleSweeps.map((c) => c.clio + c.xero),
      idle_sweep_clio_calls: most((c) => c.clio),
      idle_sweep_xero_calls: most((c) => c.xero),
      idle_sweep_push_calls: most((c) => c.clioReads),
      idle_sweep_pull_calls: most((c) => c.xeroReads),
      idle_sync_now_calls: syncNow.clio + syncNow.xero,
      agreement_bills_compared: agreement.billsCompared,
      agreement_differences: agreement.differences.length,
      agreement_calls: agreementCalls.clio + agreementCalls.xero,
      agreement_calls_per_1000_bills: agreementPer1000,
      xero_edit_to_clio_p50_ms: Math.round(pullP50),
      xero_edit_to_clio_p95_ms: Math.round(pullP95),
      ...(pullMisses ? { xero_edit_misses: pullMisses } : {}),
      missing_invoices: missing,
      duplicate_invoices: duplicates,
      total_mismatches: mismatched,
      missing_payments: money.payments.missing,
      duplicate_payments: money.payments.duplicate,
      payment_mismatches: money.payments.mismatched,
      missing_hard_costs: money.hardCosts.missing,
      duplicate_hard_costs: money.hardCosts.duplicate,
      hard_cost_mismatches: money.hardCosts.mismatched,
      job_failures: failures.size,
    };
  } finally {
    clearInterval(sampler);
    server.child.kill('SIGTERM');
    await Promise.race([server.exited, sleep(15_000)]);
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await db.destroy();
    await em.stop();
    await pg.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * The emulator's seeded chart (test/ui-api/connected-stack.ts settingsForSeededChart), every
 * approved bill in scope, invoices AUTHORISED so credit notes and payments can allocate, hard costs
 * on (310 from bank 091) from `hardCostStartDate`.
 */
function backfillSettings(hardCostStartDate: string) {
  return settingsForSeededChart({
    invoiceStatus: 'AUTHORISED',
    hardCostStartDate,
    // A day: the scheduled sweep stays out of the measured phases (the idle sweep is run by hand).
    sweepIntervalMinutes: 1440,
    categoryAccounts: [],
  });
}
