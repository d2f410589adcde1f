import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';

export const DANGER_ZONE_TITLE_ID = 'danger-zone-title';

/**
 * Disconnecting stops every sync, so it sits at the end of the page, away from the settings a
 * person came to change, and asks once more before it acts.
 */
export function DangerZone(props: { tenantName: string | null; onDisconnected: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  // The button pressed is gone once the question shows: the focus goes to the safe answer.
  useEffect(() => {
    if (confirming) cancel.current?.focus();
  }, [confirming]);

  const disconnect = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('DELETE', '/api/xero/connection');
      setConfirming(false);
      await props.onDisconnected();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel danger" aria-labelledby={DANGER_ZONE_TITLE_ID}>
      <h2 id={DANGER_ZONE_TITLE_ID}>Danger zone</h2>
      <p>Disconnecting from Xero stops every sync until an administrator connects again. Nothing already in Xero or Clio is deleted.</p>
      {!confirming && (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Disconnect from Xero
        </button>
      )}
      {confirming && (
        <div role="group" aria-label="Confirm disconnecting">
          <p>Disconnect {props.tenantName ?? 'the Xero organisation'}? Syncing stops until you connect again.</p>
          <button type="button" class="danger" onClick={disconnect} disabled={busy}>
            Yes, disconnect
          </button>{' '}
          <button type="button" class="secondary" ref={cancel} onClick={() => setConfirming(false)} disabled={busy}>
            Cancel
          </button>
        </div>
      )}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
