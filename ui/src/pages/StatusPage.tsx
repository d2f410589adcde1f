import { useEffect, useRef, useState } from 'preact/hooks';
import type { ProgressKind } from '../../../server/domain/kinds';
import { api } from '../api';
import { InPageLink } from '../components/InPageLink';
import { SyncActivity } from '../components/SyncActivity';
import { WaitingList } from '../components/WaitingList';
import { usePageTitle } from '../title';
import type { AgreementStatus, FirmStatus, Me, PreviewItem, StatusGroup } from '../../../server/api-contract';
import { formatCount, formatDateTime, formatTime } from '../format';

/** How often the open page asks for the state again: progress and resolved groups show within seconds. */
const POLL_MS = 3000;

const KIND_LABELS: Record<string, string> = {
  contact: 'Contacts',
  bill: 'Bills',
  payment_allocation: 'Payments',
  credit_memo: 'Credit notes',
  hard_cost: 'Hard costs',
  firm: 'The whole sync',
  agreement_bill: 'Bills in Clio and Xero',
  agreement_client: 'Client balances in Clio and Xero',
  agreement_hard_cost: 'Hard costs in Clio and Xero',
};
const kindLabel = (kind: string) => KIND_LABELS[kind] ?? kind.replace(/_/g, ' ');

/** Failure kind → the record page's (and record API's) kind, for kinds with a page per record. */
const RECORD_PAGE_KIND: Record<string, string> = {
  contact: 'contact',
  bill: 'bill',
  credit_memo: 'credit_memo',
  hard_cost: 'activity',
  agreement_bill: 'bill',
  agreement_client: 'contact',
  agreement_hard_cost: 'activity',
};

const when = (iso: string | null, none: string) => (iso ? formatDateTime(iso) : none);

/** What a long run's progress counts, as the sentence names it ("200 of 3000 payments"). */
const PROGRESS_NOUNS: Record<ProgressKind, string> = {
  bill: 'bills',
  payment_allocation: 'payments',
  hard_cost: 'hard costs',
};

function eta(seconds: number): string {
  if (seconds < 60) return 'less than a minute left';
  const minutes = Math.round(seconds / 60);
  return `about ${minutes} minute${minutes === 1 ? '' : 's'} left`;
}

/** The Status tab: where the sync stands, what failed and why, and the controls to act on it. */
export function StatusPage({ me }: { me: Me }) {
  usePageTitle('Sync status');
  const isAdmin = me.user.isAdmin;
  const [status, setStatus] = useState<FirmStatus | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [waitingKind, setWaitingKind] = useState<string | null>(null);

  const refresh = () =>
    api<FirmStatus>('GET', '/api/sync/status').then(
      (s) => {
        setStatus(s);
        setLoadError(null);
      },
      (err: Error) => setLoadError(err.message),
    );

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    let live = true;
    const tick = async () => {
      await refresh();
      if (live) timer = setTimeout(tick, POLL_MS);
    };
    void tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []);

  /** Runs one control's call, says what happened, and shows the new state at once. */
  const act = async (call: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setNotice(null);
    try {
      await call();
      setNotice({ ok: true, text: done });
      await refresh();
      // The control may have gone with its group: keep keyboard users in the failures section.
      if (!document.activeElement || document.activeElement === document.body) document.getElementById('sync-failures')?.focus();
    } catch (err) {
      setNotice({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  if (!status) return loadError ? <p role="alert">{loadError}</p> : <p aria-busy="true">Loading the sync status…</p>;

  return (
    <>
      <h1>Sync status</h1>
      {loadError && <p role="alert">Could not refresh: {loadError}</p>}
      <section class="panel" aria-labelledby="sync-when">
        <h2 id="sync-when">Syncing</h2>
        <dl class="record">
          <dt>Last sync</dt>
          <dd data-testid="last-sync">{when(status.lastRunAt, 'Not yet')}</dd>
          <dt>Last completed</dt>
          <dd>{when(status.lastSuccessAt, 'Not yet')}</dd>
          <dt>Next sync</dt>
          <dd>{status.parkedUntil ? `Paused until ${when(status.parkedUntil, '')} (Xero's daily limit)` : when(status.nextRunAt, 'After the settings are saved')}</dd>
        </dl>
        {status.xeroWebhooksSilent && (
          <p role="note" data-testid="xero-webhooks-silent">
            Xero's webhooks have not arrived since {when(status.xeroWebhooksSilent.since, '')}; changes are found by the regular check every{' '}
            {status.xeroWebhooksSilent.checkEveryMinutes} minutes.
          </p>
        )}
        <div role="status" aria-live="polite" class="progress">
          {status.running && status.progress && (
            <>
              <progress max={status.progress.total} value={status.progress.done} aria-label="Sync progress" />{' '}
              <span>
                {status.progress.done} of {status.progress.total} {PROGRESS_NOUNS[status.progress.kind]}, {eta(status.progress.etaSeconds)}
              </span>
            </>
          )}
          {status.running && !status.progress && <span>Syncing now…</span>}
        </div>
        {isAdmin && (
          <button type="button" disabled={busy} onClick={() => act(() => api('POST', '/api/sync/now'), 'Sync queued: it starts within a few seconds.')}>
            Sync now
          </button>
        )}
      </section>

      <Agreement agreement={status.agreement} isAdmin={isAdmin} busy={busy} act={act} />

      <section aria-labelledby="sync-counts">
        <h2 id="sync-counts">Records</h2>
        <table class="overrides counts">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Synced</th>
              <th scope="col">Waiting</th>
              <th scope="col">Failed</th>
            </tr>
          </thead>
          <tbody>
            {status.counts.map((c) => (
              <tr key={c.kind}>
                <th scope="row">{kindLabel(c.kind)}</th>
                <td>{c.synced}</td>
                <td>
                  {c.pending > 0 ? (
                    <button
                      type="button"
                      class="link"
                      aria-expanded={waitingKind === c.kind}
                      aria-controls="waiting-list"
                      aria-label={`${c.pending} ${kindLabel(c.kind).toLowerCase()} waiting: show why`}
                      onClick={() => setWaitingKind(waitingKind === c.kind ? null : c.kind)}
                    >
                      {c.pending}
                    </button>
                  ) : (
                    c.pending
                  )}
                </td>
                <td>{c.failed}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {status.waiting.length > 0 && (
          <>
            <h3 id="sync-waiting">Why records wait</h3>
            <ul aria-labelledby="sync-waiting" class="waiting">
              {status.waiting.map((w) => (
                <li key={`${w.kind}:${w.reason}`}>
                  {kindLabel(w.kind)} ({w.count}): {w.reason}
                </li>
              ))}
            </ul>
          </>
        )}
        {waitingKind && <WaitingList key={waitingKind} kind={waitingKind} label={kindLabel(waitingKind)} onClose={() => setWaitingKind(null)} />}
      </section>

      <section aria-labelledby="open-items">
        <h2 id="open-items" tabIndex={-1}>
          To do by hand
        </h2>
        {status.openItems.length === 0 ? (
          <p>Nothing waits for you.</p>
        ) : (
          <ul class="open-items">
            {status.openItems.map((item) => (
              <li key={item.id}>
                {item.clioUrl ? (
                  <a href={item.clioUrl} target="_blank" rel="noopener noreferrer">
                    {item.words}
                  </a>
                ) : (
                  item.words
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <SyncActivity />

      <section aria-labelledby="sync-failures">
        <h2 id="sync-failures" tabIndex={-1}>
          Failures
        </h2>
        {status.errors.length === 0 ? (
          <p>Nothing is failing.</p>
        ) : (
          <ul class="groups">
            {status.errors.map((g) => (
              <FailureGroup key={g.id} group={g} isAdmin={isAdmin} busy={busy} act={act} />
            ))}
          </ul>
        )}
      </section>
      {notice && (
        <p role={notice.ok ? 'status' : 'alert'} class={notice.ok ? 'saved' : 'failed'}>
          {notice.text}
        </p>
      )}

      {isAdmin && <Backfill />}
    </>
  );
}

/** "07:00" for a check made today, the date as well for an older one. */
function checkedWhen(iso: string): string {
  const at = new Date(iso);
  return at.toDateString() === new Date().toDateString() ? formatTime(at) : formatDateTime(at);
}

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** The daily proof that the books agree, or the list of what does not. */
function Agreement(props: { agreement: AgreementStatus | null; isAdmin: boolean; busy: boolean; act: (call: () => Promise<unknown>, done: string) => Promise<void> }) {
  const { agreement: a, isAdmin, busy, act } = props;
  const counted = a && `${plural(a.billsCompared, 'bill', 'bills')}, ${plural(a.differenceCount, 'difference', 'differences')}`;
  return (
    <section class="panel" aria-labelledby="agreement">
      <h2 id="agreement">Clio and Xero</h2>
      <p data-testid="agreement-line">
        {!a
          ? 'Not checked yet: the check runs every morning.'
          : a.differenceCount === 0
            ? `Clio and Xero agree as of ${checkedWhen(a.checkedAt)} — ${counted}`
            : `Clio and Xero differ as of ${checkedWhen(a.checkedAt)} — ${counted}`}
      </p>
      {a && a.differences.length > 0 && (
        <ul class="groups" aria-label="Differences">
          {a.differences.map((d) => (
            <li key={`${d.kind}:${d.clioId}`} class="group">
              <h3>
                {d.label}: {d.cause}
              </h3>
              <p>{d.detail}</p>
              <p>
                <strong>Fix:</strong> {d.fix}
              </p>
              {d.clioUrl && (
                <a href={d.clioUrl} target="_top">
                  Open in Clio
                </a>
              )}
              {d.clioUrl && d.xeroUrl && ' · '}
              {d.xeroUrl && (
                <a href={d.xeroUrl} target="_blank" rel="noopener noreferrer">
                  Open in Xero
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
      {isAdmin && (
        <button type="button" disabled={busy} onClick={() => act(() => api('POST', '/api/agreement/check'), 'Check queued: the result shows here within a minute.')}>
          Check now
        </button>
      )}
    </section>
  );
}

function FailureGroup(props: { group: StatusGroup; isAdmin: boolean; busy: boolean; act: (call: () => Promise<unknown>, done: string) => Promise<void> }) {
  const { group: g, isAdmin, busy, act } = props;
  const [open, setOpen] = useState(false);
  const listId = `group-${g.id}-records`;
  const pageKind = RECORD_PAGE_KIND[g.kind];
  const noun = kindLabel(g.kind).replace(/s$/, '');
  // A failure of the whole sync lists no records; a group of records may list only its first ones.
  const n = g.records.length === 0 ? 0 : g.count;
  return (
    <li class="group" aria-labelledby={`group-${g.id}-cause`}>
      <h3 id={`group-${g.id}-cause`}>
        {kindLabel(g.kind)}: {g.cause} {n > 0 && <span class="count">({n === 1 ? '1 record' : `${n} records`})</span>}
      </h3>
      <p>
        <strong>Fix:</strong> {g.fix}
      </p>
      <div class="actions">
        {n > 0 && (
          <button type="button" class="secondary" aria-expanded={open} aria-controls={listId} onClick={() => setOpen(!open)}>
            {open ? 'Hide records' : 'Show records'}
          </button>
        )}
        {isAdmin && (
          <button
            type="button"
            disabled={busy}
            onClick={() => act(() => api('POST', `/api/sync/errors/${g.id}/retry`), `Retrying ${n === 1 ? 'the record' : `${n} records`}.`)}
          >
            Retry all
          </button>
        )}
        {isAdmin && (
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => act(() => api('POST', `/api/sync/errors/${g.id}/dismiss`), 'Dismissed. It comes back if another record fails for this reason.')}
          >
            Dismiss
          </button>
        )}
      </div>
      {n > 0 && (
        <ul id={listId} class="records" hidden={!open}>
          {g.records.map((r) => (
            <li key={r.clioId}>
              {pageKind ? (
                <InPageLink href={`/app/records/${pageKind}/${r.clioId}`}>
                  {noun} {r.clioId}
                </InPageLink>
              ) : (
                `${noun} ${r.clioId}`
              )}
              {r.clioUrl && (
                <>
                  {' · '}
                  <a href={r.clioUrl} target="_top">
                    Open in Clio
                  </a>
                </>
              )}
              {r.xeroUrl && (
                <>
                  {' · '}
                  <a href={r.xeroUrl} target="_blank" rel="noopener noreferrer">
                    Open in Xero
                  </a>
                </>
              )}
              {pageKind && (
                <>
                  {' '}
                  <button
                    type="button"
                    class="secondary small"
                    disabled={busy}
                    aria-label={`Retry ${noun.toLowerCase()} ${r.clioId}`}
                    onClick={() => act(() => api('POST', `/api/records/${pageKind}/${r.clioId}`), `Retrying ${r.clioId}.`)}
                  >
                    Retry
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {open && g.records.length < n && (
        <p class="hint">
          Showing the first {g.records.length} of {n}. Retry all covers every one of them.
        </p>
      )}
    </li>
  );
}

const ACTION_WORDS: Record<string, string> = {
  create: 'Create in Xero',
  update: 'Update in Xero',
  skip: 'Leave alone',
  void: 'Void in Xero',
  delete: 'Delete in Xero',
  fail: 'Would fail',
  wait: 'Wait',
};
const PREVIEW_ROWS = 100;

/** A date-range backfill: preview what it would do (nothing written), then start it. */
function Backfill() {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [plan, setPlan] = useState<PreviewItem[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const table = useRef<HTMLTableElement>(null);

  const range = () => ({ from: from || null, to: to || null });
  const preview = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setMessage(null);
    setPlan(null);
    try {
      setPlan((await api<{ plan: PreviewItem[] }>('POST', '/api/sync/preview', range())).plan);
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const start = async () => {
    setBusy(true);
    try {
      await api('POST', '/api/sync/backfill', range());
      setMessage({ ok: true, text: 'Backfill started. Its progress shows above.' });
      setPlan(null);
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (plan) table.current?.focus();
  }, [plan]);

  const bills = plan?.filter((p) => p.kind === 'bill') ?? [];
  const tally = new Map<string, number>();
  for (const p of plan ?? []) tally.set(p.action, (tally.get(p.action) ?? 0) + 1);

  return (
    <section class="panel" aria-labelledby="backfill-title">
      <h2 id="backfill-title">Backfill a date range</h2>
      <p class="hint">Sync bills issued in a range, whatever the settings' own dates. Preview first: nothing is written until you start.</p>
      <form onSubmit={preview}>
        {/* A group names the range, so "to" is not read on its own. */}
        <fieldset class="choice">
          <legend>Bills issued</legend>
          <div class="row">
            <div class="field">
              <label for="backfillFrom">from</label>
              <input id="backfillFrom" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
            </div>
            <div class="field">
              <label for="backfillTo">to</label>
              <input id="backfillTo" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
            </div>
          </div>
        </fieldset>
        <button type="submit" disabled={busy || (!from && !to)}>
          Preview
        </button>
      </form>
      {plan && (
        <>
          <p>
            {[...tally].map(([action, n]) => `${ACTION_WORDS[action] ?? action}: ${n}`).join(' · ') || 'Nothing to do.'} ({bills.length} bills)
          </p>
          <table class="overrides" ref={table} tabIndex={-1} aria-label="Backfill preview">
            <thead>
              <tr>
                <th scope="col">Record</th>
                <th scope="col">Would</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {plan.slice(0, PREVIEW_ROWS).map((p) => (
                <tr key={`${p.kind}:${p.clioId}`}>
                  <th scope="row">{p.label}</th>
                  <td>{ACTION_WORDS[p.action] ?? p.action}</td>
                  <td>{p.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {plan.length > PREVIEW_ROWS && <p class="hint">…and {plan.length - PREVIEW_ROWS} more.</p>}
          <button type="button" disabled={busy} onClick={start}>
            Start backfill
          </button>
        </>
      )}
      {message && <p role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
    </section>
  );
}
