import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/**
 * The process's one metrics registry. Other modules report through the small functions below
 * (one call at each edge: the HTTP clients, the webhook receivers, the run recorder), so no module
 * outside this one knows prom-client. Labels are closed sets (service, kind, outcome): never a firm,
 * a record id or anything a firm wrote, so a scrape shows counts and nothing else.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export type Service = 'clio' | 'xero';

const syncRuns = new Counter({
  name: 'sync_runs_total',
  help: 'Sync runs by outcome: started, succeeded, and failed (ended on an error, to be retried); a parked or disconnected firm ends neither.',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

const records = new Counter({
  name: 'sync_records_total',
  help: 'Records written to Xero (synced: created, updated, voided) or failed for a reason of their own (failed), per kind.',
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
});

const calls = new Counter({
  name: 'api_calls_total',
  help: 'Calls made to the Clio and Xero APIs (each attempt, retries included).',
  labelNames: ['service'] as const,
  registers: [registry],
});

const rateLimited = new Counter({
  name: 'api_rate_limited_total',
  help: 'Calls the service answered with 429 Too Many Requests.',
  labelNames: ['service'] as const,
  registers: [registry],
});

const dayLimitParks = new Counter({
  name: 'sync_day_limit_parks_total',
  help: "Times a firm was parked because Xero's daily call limit was reached.",
  registers: [registry],
});

const webhooks = new Counter({
  name: 'webhook_deliveries_total',
  help: 'Webhook deliveries received, accepted (2xx) or refused (anything else), per service.',
  labelNames: ['service', 'outcome'] as const,
  registers: [registry],
});

const refreshFailures = new Counter({
  name: 'token_refreshes_failed_total',
  help: 'OAuth token refreshes the service refused or that did not complete.',
  labelNames: ['service'] as const,
  registers: [registry],
});

// Created before any run, so a scrape lists every series at 0 instead of omitting the quiet ones.
for (const service of ['clio', 'xero'] as const) {
  calls.inc({ service }, 0);
  rateLimited.inc({ service }, 0);
  refreshFailures.inc({ service }, 0);
  webhooks.inc({ service, outcome: 'accepted' }, 0);
  webhooks.inc({ service, outcome: 'refused' }, 0);
}
for (const outcome of ['started', 'succeeded', 'failed'] as const) syncRuns.inc({ outcome }, 0);

export function countRun(outcome: 'started' | 'succeeded' | 'failed'): void {
  syncRuns.inc({ outcome });
}

export function countRecord(kind: string, outcome: 'synced' | 'failed'): void {
  records.inc({ kind, outcome });
}

export function countDayLimitPark(): void {
  dayLimitParks.inc();
}

export function countWebhook(service: Service, status: number): void {
  webhooks.inc({ service, outcome: status >= 200 && status < 300 ? 'accepted' : 'refused' });
}

/** One API call that got an HTTP answer with `status`. */
export function countCall(service: Service, status: number): void {
  calls.inc({ service });
  if (status === 429) rateLimited.inc({ service });
}

/** One API call whose failure (if any) carries the HTTP status as `status` (0 when no answer came). */
export function countedCall<T>(service: Service, call: Promise<T>): Promise<T> {
  return call.then(
    (value) => {
      countCall(service, 200);
      return value;
    },
    (err: unknown) => {
      countCall(service, (err as { status?: unknown }).status === 429 ? 429 : 0);
      throw err;
    },
  );
}

/** A token refresh: a rejection counts as a failed refresh and is passed on. */
export function countedRefresh<T>(service: Service, refresh: Promise<T>): Promise<T> {
  return refresh.catch((err: unknown) => {
    refreshFailures.inc({ service });
    throw err;
  });
}

const queueDepth = new Gauge({
  name: 'job_queue_depth',
  help: 'Jobs due to run and not yet taken, across every process on the database.',
  registers: [registry],
});

const oldestQueued = new Gauge({
  name: 'job_queue_oldest_age_seconds',
  help: 'How long the oldest due, untaken job has been waiting (0 when none).',
  registers: [registry],
});

/** The job queue lives in Postgres, shared by every process: it is read at scrape time and set here. */
export function setQueue(stats: { depth: number; oldestAgeSeconds: number }): void {
  queueDepth.set(stats.depth);
  oldestQueued.set(stats.oldestAgeSeconds);
}
