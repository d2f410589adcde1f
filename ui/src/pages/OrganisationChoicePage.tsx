import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { navigate } from '../router';
import { usePageTitle } from '../title';

interface PendingOrganisation {
  tenantId: string;
  tenantName: string;
}

/** After Xero consent the user confirms which organisation this firm syncs with (certification X7). */
export function OrganisationChoicePage(props: { onChosen: () => Promise<void> }) {
  usePageTitle('Choose your Xero organisation');
  const [organisations, setOrganisations] = useState<PendingOrganisation[] | null>(null);
  const [tenantId, setTenantId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<{ organisations: PendingOrganisation[] }>('GET', '/api/xero/organisations/pending').then(
      (r) => {
        setOrganisations(r.organisations);
        setTenantId(r.organisations[0]?.tenantId ?? '');
      },
      (err: Error) => setError(err.message),
    );
  }, []);

  const confirm = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/xero/organisation', { tenantId });
      await props.onChosen();
      navigate('/app/settings');
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Choose your Xero organisation</h1>
      {error && <p role="alert">{error}</p>}
      {organisations?.length === 0 && (
        <p>
          There is no organisation waiting to be chosen. <a href="/app/settings">Back to the sync settings</a>
        </p>
      )}
      {organisations && organisations.length > 0 && (
        <form onSubmit={confirm}>
          <fieldset>
            <legend>Bills from Clio will sync to this organisation only.</legend>
            {organisations.map((o) => (
              <div class="field toggle" key={o.tenantId}>
                <input
                  type="radio"
                  name="organisation"
                  id={`org-${o.tenantId}`}
                  value={o.tenantId}
                  checked={tenantId === o.tenantId}
                  onChange={() => setTenantId(o.tenantId)}
                />
                <label for={`org-${o.tenantId}`}>{o.tenantName}</label>
              </div>
            ))}
          </fieldset>
          <button type="submit" disabled={!tenantId || busy}>
            Sync with this organisation
          </button>
        </form>
      )}
    </>
  );
}
