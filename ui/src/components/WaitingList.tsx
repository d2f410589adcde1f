import { useEffect, useState } from 'preact/hooks';
import type { WaitingRecord } from '../../../server/api-contract';
import { api } from '../api';
import { InPageLink } from './InPageLink';
import { formatDateTime } from '../format';

/** Failure kind → the record page's kind, for kinds with a page per record. */
const RECORD_PAGE_KIND: Record<string, string> = { contact: 'contact', bill: 'bill', credit_memo: 'credit_memo', hard_cost: 'activity' };

/** One kind's waiting records, opened from the Status tab's "Waiting" count: why each waits and what ends it. */
export function WaitingList({ kind, label, onClose }: { kind: string; label: string; onClose: () => void }) {
  const [data, setData] = useState<{ total: number; records: WaitingRecord[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ total: number; records: WaitingRecord[] }>('GET', `/api/sync/waiting/${kind}`).then(setData, (err: Error) => setError(err.message));
  }, [kind]);
  const pageKind = RECORD_PAGE_KIND[kind];
  return (
    <section class="panel waiting" aria-labelledby="waiting-title" id="waiting-list">
      <h3 id="waiting-title" tabIndex={-1}>
        {label} waiting{data ? ` (${data.total})` : ''}
      </h3>
      {error && <p role="alert">Could not load them: {error}</p>}
      {!data && !error && <p aria-busy="true">Loading…</p>}
      {data && data.records.length === 0 && <p>Nothing waits now.</p>}
      {data && data.records.length > 0 && (
        <ul class="groups">
          {data.records.map((r) => (
            <li key={r.clioId}>
              <p>
                {pageKind ? <InPageLink href={`/app/records/${pageKind}/${r.clioId}`}>{`Clio record ${r.clioId}`}</InPageLink> : `Clio record ${r.clioId}`} {r.reason},
                since {formatDateTime(r.since)}.
              </p>
              <p class="hint">
                {r.ends.text}{' '}
                {r.ends.url &&
                  (r.ends.url.startsWith('/app/') ? (
                    <InPageLink href={r.ends.url}>Do it now</InPageLink>
                  ) : (
                    <a href={r.ends.url} target="_blank" rel="noopener noreferrer">
                      Do it now
                    </a>
                  ))}
              </p>
            </li>
          ))}
        </ul>
      )}
      {data && data.total > data.records.length && <p>The oldest {data.records.length} are listed.</p>}
      <button type="button" onClick={onClose}>
        Close the list
      </button>
    </section>
  );
}
