import { useEffect, useState } from 'preact/hooks';
import type { RecordLink } from '../../../server/sync/links';
import { api } from '../api';

const STATE_WORDS: Record<RecordLink['state'], string> = {
  pending: 'Waiting to sync',
  synced: 'Synced',
  failed: 'Failed to sync',
  conflict: 'Changed on both sides; needs a decision',
  ignored: 'Not synced (ignored)',
};

/** Where custom actions land: one Clio record's sync state, and "Sync now". */
export function RecordPage({ kind, id }: { kind: string; id: string }) {
  const [link, setLink] = useState<RecordLink | null | undefined>(undefined);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const path = `/api/records/${kind}/${id}`;

  useEffect(() => {
    api<{ link: RecordLink | null }>('GET', path).then(
      (r) => setLink(r.link),
      (err: Error) => setError(err.message),
    );
  }, [path]);

  const syncNow = async () => {
    setMessage(null);
    setError(null);
    try {
      await api('POST', path);
      setMessage('Queued. It will reach Xero within a minute; reload this page to see the result.');
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <>
      <h1>
        Clio {kind.replace(/_/g, ' ')} {id}
      </h1>
      {link === undefined && !error && <p aria-busy="true">Loading…</p>}
      {link === null && <p>This record has not been synced to Xero yet.</p>}
      {link && (
        <dl class="record">
          <dt>State</dt>
          <dd>{STATE_WORDS[link.state]}</dd>
          <dt>Xero id</dt>
          <dd>{link.xeroId ?? 'None yet'}</dd>
          <dt>Last synced</dt>
          <dd>{link.lastSyncedAt ? new Date(link.lastSyncedAt).toLocaleString() : 'Never'}</dd>
        </dl>
      )}
      <button type="button" onClick={syncNow}>
        Sync now
      </button>
      {message && <p role="status">{message}</p>}
      {error && <p role="alert">{error}</p>}
      <p>
        <a href="/app/settings">Sync settings</a>
      </p>
    </>
  );
}
