import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { InPageLink } from '../components/InPageLink';
import { usePageTitle } from '../title';
import type { RecordLink } from '../../../server/api-contract';
import { formatDateTime } from '../format';

const STATE_WORDS: Record<RecordLink['state'], string> = {
  pending: 'Waiting to sync',
  synced: 'Synced',
  failed: 'Failed to sync',
  conflict: 'Changed on both sides; needs a decision',
  ignored: 'Not synced (ignored)',
};

const ACTION_WORDS: Record<string, string> = {
  create: 'Created in Xero',
  update: 'Updated in Xero',
  void: 'Voided in Xero',
  delete: 'Deleted in Xero',
  allocate: 'Applied in Xero',
  link: 'Linked to an existing Xero record',
  skip: 'Left alone',
  wait: 'Waiting',
  fail: 'Failed',
};

const NOUNS: Record<string, string> = {
  contact: 'contact',
  matter: 'matter',
  activity: 'expense',
  bill: 'bill',
  credit_memo: 'credit note',
  clio_payments_payment: 'payment',
};

interface HistoryEntry {
  at: string;
  action: string;
  reason: string;
  xeroId: string | null;
  xeroUrl: string | null;
  detail: unknown;
}

interface RecordView {
  kind: string;
  id: string;
  clioUrl: string | null;
  xeroUrl: string | null;
  link: RecordLink | null;
  history: HistoryEntry[];
  /** A matter's bills (null when Clio could not say which they are). */
  bills?: RecordView[] | null;
}

/** What was sent, as far as the history line says: the figures Xero confirmed, or its refusal. */
function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail !== 'object') return String(detail);
  return Object.entries(detail as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('; ');
}

/** Where custom actions land: a Clio record's sync state and history, and "Resync". A matter shows its bills. */
export function RecordPage({ kind, id }: { kind: string; id: string }) {
  const [view, setView] = useState<RecordView | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const path = `/api/records/${kind}/${id}`;
  const heading = `Clio ${NOUNS[kind] ?? kind.replace(/_/g, ' ')} ${id}`;
  usePageTitle(heading);

  const load = () =>
    api<RecordView>('GET', path).then(
      (r) => setView(r),
      (err: Error) => setError(err.message),
    );
  useEffect(() => {
    void load();
  }, [path]);

  return (
    <>
      <h1>{heading}</h1>
      {!view && !error && <p aria-busy="true">Loading…</p>}
      {error && <p role="alert">{error}</p>}
      {view && kind !== 'matter' && <RecordPanel view={view} onReload={load} />}
      {view && kind === 'matter' && (
        <>
          <Resync kind={kind} id={id} label="Resync this matter's bills" />
          <h2>Bills of this matter</h2>
          {view.bills === null || view.bills === undefined ? (
            <p>Clio did not say which bills this matter has just now; reload the page to try again.</p>
          ) : view.bills.length === 0 ? (
            <p>This matter has no bills yet.</p>
          ) : (
            view.bills.map((b) => (
              <section class="panel" key={b.id} aria-labelledby={`bill-${b.id}`}>
                <h3 id={`bill-${b.id}`}>Bill {b.id}</h3>
                <RecordPanel view={b} onReload={load} />
              </section>
            ))
          )}
        </>
      )}
      <p>
        <InPageLink href="/app/status">Sync status</InPageLink> · <InPageLink href="/app/settings">Sync settings</InPageLink>
      </p>
    </>
  );
}

function RecordPanel({ view, onReload }: { view: RecordView; onReload: () => Promise<void> }) {
  const { link } = view;
  const noun = NOUNS[view.kind] ?? view.kind;
  return (
    <>
      {link === null && <p>This {noun} has not been synced to Xero yet.</p>}
      {link && (
        <dl class="record">
          <dt>State</dt>
          <dd>{STATE_WORDS[link.state]}</dd>
          {link.errorMessage && (
            <>
              <dt>{link.state === 'failed' ? 'Why' : link.state === 'pending' ? 'Why it waits' : 'Note'}</dt>
              <dd>{link.errorMessage}</dd>
            </>
          )}
          <dt>In Xero</dt>
          <dd>
            {view.xeroUrl ? (
              <a href={view.xeroUrl} target="_blank" rel="noopener noreferrer">
                Open in Xero
              </a>
            ) : (
              (link.xeroId ?? 'Not yet')
            )}
          </dd>
          <dt>Last synced</dt>
          <dd>{link.lastSyncedAt ? formatDateTime(link.lastSyncedAt) : 'Never'}</dd>
        </dl>
      )}
      {link?.state === 'conflict' && (view.kind === 'contact' || view.kind === 'bill') && (
        <Choice kind={view.kind} id={view.id} fields={link.conflict ?? []} onChosen={onReload} />
      )}
      <Resync kind={view.kind} id={view.id} label={`Resync this ${noun}`} onQueued={onReload} />
      {view.history.length > 0 && (
        <table class="overrides history" aria-label={`Sync history of ${noun} ${view.id}`}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Result</th>
              <th scope="col">What was sent</th>
              <th scope="col">Xero</th>
            </tr>
          </thead>
          <tbody>
            {view.history.map((h, i) => (
              <tr key={i}>
                <th scope="row">{formatDateTime(h.at)}</th>
                <td>
                  {ACTION_WORDS[h.action] ?? h.action}
                  {h.action === 'fail' ? ` (${h.reason})` : ''}
                </td>
                <td>{detailText(h.detail)}</td>
                <td>
                  {h.xeroUrl ? (
                    <a href={h.xeroUrl} target="_blank" rel="noopener noreferrer">
                      Open in Xero
                    </a>
                  ) : (
                    ''
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Resync(props: { kind: string; id: string; label: string; onQueued?: () => Promise<void> }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const resync = async () => {
    setBusy(true);
    setMessage(null);
    try {
      await api('POST', `/api/records/${props.kind}/${props.id}`);
      setMessage({ ok: true, text: 'Queued. It reaches Xero within a minute; reload this page to see the result.' });
      await props.onQueued?.();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="actions">
      <button type="button" onClick={resync} disabled={busy}>
        {props.label}
      </button>
      {message && <p role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
    </div>
  );
}

/** Both values of each field changed on both sides, and the admin's choice of which to keep (the route refuses anyone else). */
function Choice(props: { kind: string; id: string; fields: NonNullable<RecordLink['conflict']>; onChosen: () => Promise<void> }) {
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const choose = async (keep: 'clio' | 'xero') => {
    setBusy(true);
    setMessage(null);
    try {
      await api('POST', `/api/conflicts/${props.kind}/${props.id}`, { keep });
      await props.onChosen();
    } catch (err) {
      setMessage((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const shown = (v: unknown) => (v === null || v === undefined || v === '' ? '(empty)' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return (
    <section class="panel" aria-label="Changed on both sides">
      <table class="overrides" aria-label="Fields changed differently in Clio and in Xero">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">In Clio</th>
            <th scope="col">In Xero</th>
          </tr>
        </thead>
        <tbody>
          {props.fields.map((f) => (
            <tr key={f.field}>
              <th scope="row">{f.label ?? f.field}</th>
              <td>{shown(f.clio)}</td>
              <td>{shown(f.xero)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="actions">
        <button type="button" onClick={() => choose('clio')} disabled={busy}>
          Keep Clio’s version
        </button>
        <button type="button" onClick={() => choose('xero')} disabled={busy}>
          Keep Xero’s version
        </button>
        {message && <p role="alert">{message}</p>}
      </div>
    </section>
  );
}
