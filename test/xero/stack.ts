// The shared test stack (test/support/stack.ts) seen from the Xero side: what these tests reach
// for most — the emulator's control API, the server's secret box and a logger — under short names.
import { sql } from 'kysely';
import { expect } from 'vitest';
import { firmQueueName } from '../../server/jobs/enqueue';
import { SEED_TENANTS } from '../emulators/xero/index';
import { type ManualFetch } from '../support/cookie-jar';
import { startTestStack } from '../support/stack';
import { manual } from '../clio/harness';
import { capturedLogger } from '../support/logs';

export async function startXeroStack(opts: { timeoutMs?: number; env?: Record<string, string>; clioTimeScale?: number; sandboxDemo?: boolean } = {}) {
  const clioTimeScale = opts.clioTimeScale ?? 1;
  const stack = await startTestStack({
    env: { XERO_TIMEOUT_MS: String(opts.timeoutMs ?? 1_500), CLIO_RATE_WINDOW_MS: String(Math.round(60_000 / clioTimeScale)), ...opts.env },
    emulators: { xero: { webhookBatchMs: 10 }, clio: { timeScale: clioTimeScale }, ...(opts.sandboxDemo ? { sandboxDemo: true } : {}) },
  });
  // Calls made directly through openXeroForFirm log here; the server's own lines are in stack.logLines.
  const { logger, lines } = capturedLogger('debug');
  return {
    ...stack,
    logger,
    clientLogLines: lines,
    dbUrl: stack.config.DATABASE_URL!,
    sessions: stack.server.sessions,
    xero: { ...stack.xero, control: (method: string, path: string, body?: unknown) => stack.control('xero', method, path, body) },
  };
}

export type XeroStack = Awaited<ReturnType<typeof startXeroStack>>;

/**
 * The browser's part of the consent: POST /api/xero/connect, follow the emulator's authorize
 * redirect (it consents on the user's behalf) and call our callback. Returns our callback's answer.
 */
export async function runConsent(stack: XeroStack, token: string, tamper?: (callbackUrl: URL) => void, browser: ManualFetch = manual) {
  const authorizeUrl = await startXero(stack, token, browser);
  const authorize = await browser(authorizeUrl.toString());
  const callbackUrl = new URL(authorize.headers.get('location')!);
  tamper?.(callbackUrl);
  const callback = await browser(callbackUrl.toString());
  return { authorizeUrl, callbackUrl, callback, location: callback.headers.get('location') ?? '' };
}

/**
 * What the page does on "Connect to Xero": POST /api/xero/connect, then submit the start link as a
 * form carrying the session, which binds the flow to this browser. Returns Xero's authorize URL.
 */
export async function startXero(stack: Pick<XeroStack, 'api'>, token: string, browser: ManualFetch = manual): Promise<URL> {
  const started = await stack.api(token)('POST', '/api/xero/connect');
  const start = await submitStart(started.body.authorizeUrl, token, browser);
  return new URL(start.headers.get('location')!);
}

/** Submits our start link as the page's form does, with the session token in the body. */
export const submitStart = (startUrl: string, token: string, browser: ManualFetch = manual) =>
  browser(startUrl, { method: 'POST', body: new URLSearchParams({ token }) });

/** Submits our start link in `browser` and lets Xero's authorize page approve; returns the callback URL, not yet called. */
export async function authorizeOnly(startUrl: string, token: string, browser: ManualFetch = manual): Promise<URL> {
  const start = await submitStart(startUrl, token, browser);
  const authorize = await browser(start.headers.get('location')!);
  return new URL(authorize.headers.get('location')!);
}

/** Connects the firm to one organisation end to end and returns the confirmed tenant. */
export async function connectFirm(stack: XeroStack, token: string, tenantId: string) {
  const consent = await runConsent(stack, token);
  const confirmed = await stack.api(token)('POST', '/api/xero/organisation', { tenantId });
  if (confirmed.status !== 200) throw new Error(`confirm failed: ${JSON.stringify(confirmed.body)} after ${consent.location}`);
  return confirmed.body;
}

/** A firm whose admin has connected the primary seeded organisation: where most Xero tests start. */
export async function connectedFirm(stack: XeroStack) {
  const session = await stack.createFirmSession();
  await connectFirm(stack, session.token, SEED_TENANTS.primary.tenantId);
  return session;
}

/**
 * Connected firms one after another: one organisation is active for one firm at a time, so the
 * previous firm disconnects first, as its admin would.
 */
export function connectedFirmsInTurn(stack: () => XeroStack) {
  let previous: string | undefined;
  return async () => {
    const session = await stack().createFirmSession();
    if (previous) expect((await stack().api(previous)('DELETE', '/api/xero/connection')).status).toBe(200);
    await connectFirm(stack(), session.token, SEED_TENANTS.primary.tenantId);
    previous = session.token;
    return session;
  };
}

/** Locks the firm's job queue as a busy worker would, so queued jobs stay visible to the test. */
export async function holdFirmQueue(stack: XeroStack, firmId: string): Promise<void> {
  await sql`insert into graphile_worker._private_job_queues (queue_name, locked_at, locked_by)
    values (${firmQueueName(firmId)}, now(), 'test-hold')
    on conflict (queue_name) do update set locked_at = now(), locked_by = 'test-hold'`.execute(stack.db);
}

export async function queuedJobs(stack: XeroStack, firmId: string) {
  const { rows } = await sql<{ task: string; payload: Record<string, unknown> }>`
    select t.identifier as task, j.payload from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id
    join graphile_worker._private_job_queues q on q.id = j.job_queue_id
    where q.queue_name = ${firmQueueName(firmId)} order by j.id`.execute(stack.db);
  return rows;
}
