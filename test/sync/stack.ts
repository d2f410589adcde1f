// A firm installed from the Clio emulator (admin token, webhooks), connected to the Xero emulator's
// primary organisation, with settings saved: where every engine test starts.
import { sql } from 'kysely';
import { enqueueSyncFirm, firmQueueName } from '../../server/jobs/enqueue';
import { manual } from '../clio/harness';
import { SEED_TENANTS } from '../emulators/xero/index';
import { settingsForSeededChart } from '../ui-api/connected-stack';
import { eventually } from '../support/eventually';
import { sessionTokenFrom } from '../support/stack';
import { connectFirm, startXeroStack, type XeroStack } from '../xero/stack';
import type { SyncSettings } from '../../server/api-contract';

export const TENANT = SEED_TENANTS.primary.tenantId;

/** `settings` may depend on the emulators' today (a start date, say). */
export async function startSyncStack(
  opts: {
    settings?: Partial<SyncSettings> | ((today: string) => Partial<SyncSettings>);
    beforeSettings?: (stack: XeroStack) => Promise<void>;
    /** Extra server configuration (SMTP_URL, say). */
    env?: Record<string, string>;
    /** The sandbox's demo cases on top of the seed (test/emulators/clio/sandbox-demo.ts). */
    sandboxDemo?: boolean;
  } = {},
) {
  // Clio's 50 calls a minute, in a 3-second window on both sides: the limit stays, the waits shrink.
  const stack: XeroStack = await startXeroStack({ clioTimeScale: 20, ...(opts.env ? { env: opts.env } : {}), ...(opts.sandboxDemo ? { sandboxDemo: true } : {}) });
  let res = await manual(`${stack.baseUrl}/oauth/clio/start?region=us`);
  res = await manual(res.headers.get('location')!);
  res = await manual(res.headers.get('location')!);
  const token = sessionTokenFrom(res.headers.get('location')!);
  const { firmId } = await stack.sessions.verify(token);
  await connectFirm(stack, token, TENANT);
  const call = stack.api(token);
  // Faults are set here, before saving the settings starts the first sync.
  await opts.beforeSettings?.(stack);
  const today = stack.clio.emulator.state.clock.now().toISOString().slice(0, 10);
  const overrides = typeof opts.settings === 'function' ? opts.settings(today) : opts.settings;
  const saved = await call('PUT', '/api/settings', settingsForSeededChart({ syncHardCosts: false, categoryAccounts: [], ...overrides }));
  if (saved.status !== 200) throw new Error(`settings refused: ${JSON.stringify(saved.body)}`);

  /** The Clio emulator's control API; it answers `{ data }` like Clio does, unwrapped here. */
  const clioControl = async (method: string, path: string, body?: unknown) => {
    const res = await stack.control('clio', method, path, body);
    return res?.data ?? res;
  };
  /** The Xero emulator's control API, for the connected organisation. */
  const xeroControl = (method: string, path: string, body?: unknown) => stack.control('xero', method, `/tenants/${TENANT}${path}`, body);

  /** Runs `work` while Xero's webhooks are lost (the subscription points nowhere), then restores them. */
  async function withoutXeroWebhooks<T>(work: () => Promise<T>): Promise<T> {
    const { url } = await stack.control('xero', 'PUT', '/webhooks', {});
    await stack.control('xero', 'PUT', '/webhooks', { url: null });
    try {
      return await work();
    } finally {
      await stack.control('xero', 'PUT', '/webhooks', { url });
    }
  }

  /** A client in Clio (a company, with a work email if given) and a matter for it. */
  async function newClient(name: string, email?: string): Promise<{ contactId: number; matterId: number }> {
    const contact = await clioControl('POST', '/contacts', {
      type: 'Company',
      name,
      ...(email === undefined ? {} : { email_addresses: [{ name: 'Work', address: email, primary: true }] }),
    });
    const matter = await clioControl('POST', '/matters', { client_id: contact.id, description: `Advice for ${name}` });
    return { contactId: contact.id, matterId: matter.id };
  }

  /** A bill of one hour's time at `price`, issued today and approved in Clio (its sync not waited for). */
  async function newApprovedBill(matterId: number, price: number): Promise<{ id: number; number: string }> {
    const entry = await clioControl('POST', '/activities', {
      type: 'TimeEntry',
      quantity: 3600,
      price,
      matter: { id: matterId },
      note: 'Advice',
      tax_setting: 'tax_1_only',
    });
    const bill = await clioControl('POST', '/bills', { activity_ids: [entry.id], issued_at: today });
    await clioControl('POST', `/bills/${bill.id}/approve`);
    return { id: bill.id, number: bill.number };
  }

  const tenant = () => stack.xero.emulator.state.tenants.get(TENANT)!;
  const clio = () => stack.clio.emulator.state;

  /**
   * Webhooks delivered, and the firm's queue empty: everything Clio said has been synced. A job
   * that failed (and waits to retry) fails the test with its error, unless `allowRetries`.
   */
  async function settled(what = 'the firm queue to drain', opts: { allowRetries?: boolean } = {}): Promise<void> {
    await stack.clio.emulator.flushWebhooks();
    let last: unknown[] = [];
    await eventually(
      async () => {
        const { rows } = await sql<{ task: string; last_error: string | null; attempts: number; max_attempts: number }>`
        select t.identifier as task, j.last_error, j.attempts, j.max_attempts, j.run_at, j.locked_at, j.payload from graphile_worker._private_jobs j
        join graphile_worker._private_tasks t on t.id = j.task_id
        join graphile_worker._private_job_queues q on q.id = j.job_queue_id
        where q.queue_name = ${firmQueueName(firmId)}`.execute(stack.db);
        const failing = rows.find((r) => r.last_error);
        if (failing && !opts.allowRetries) throw new Error(`job ${failing.task} failed: ${failing.last_error}`);
        last = rows;
        return rows.filter((r) => r.attempts < r.max_attempts).length === 0;
      },
      what,
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; still queued: ${JSON.stringify(last)}`);
    });
  }

  /** Runs a sweep now (as the per-firm schedule would) and waits for it. */
  async function sweep(): Promise<void> {
    const before = await lastSuccess();
    const r = await call('POST', '/api/sync/now');
    if (r.status !== 202) throw new Error(`sync now refused: ${JSON.stringify(r.body)}`);
    await eventually(async () => ((await lastSuccess()) ?? 0) > (before ?? 0), 'a sweep to finish', 60_000);
    await settled();
  }

  /** The timer's sweep (it lists only what is due), queued as the schedule queues it, and waited for. */
  async function scheduledSweep(): Promise<void> {
    const before = await lastSuccess();
    await enqueueSyncFirm(stack.db, { firmId, reason: 'sweep' });
    await eventually(async () => ((await lastSuccess()) ?? 0) > (before ?? 0), 'a scheduled sweep to finish', 60_000);
    await settled();
  }

  async function lastSuccess(): Promise<number | undefined> {
    const row = await stack.db.selectFrom('sync_runs').select('last_success_at').where('firm_id', '=', firmId).executeTakeFirst();
    return row?.last_success_at?.getTime();
  }

  const invoices = () => [...tenant().invoices.values()];
  const invoiceByNumber = (n: string) => invoices().filter((i) => i.Number === n && i.Status !== 'DELETED');
  const links = (kind: string) => stack.db.selectFrom('links').selectAll().where('firm_id', '=', firmId).where('kind', '=', kind).execute();
  const errors = () => call('GET', '/api/sync/errors').then((r) => r.body.errors as { code: string; kind: string; clioIds: string[]; count: number }[]);

  return {
    stack,
    firmId,
    token,
    call,
    clioControl,
    xeroControl,
    withoutXeroWebhooks,
    newClient,
    newApprovedBill,
    today,
    tenant,
    clio,
    settled,
    sweep,
    scheduledSweep,
    lastSuccess,
    invoices,
    invoiceByNumber,
    links,
    errors,
  };
}

export type SyncStack = Awaited<ReturnType<typeof startSyncStack>>;
