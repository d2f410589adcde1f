import { useEffect, useState } from 'preact/hooks';
import { api, navigateTop } from '../api';
import { framed, openRoundTrip } from '../frame';
import { signedIn } from '../session';
import { usePageTitle } from '../title';

interface Region {
  code: string;
  label: string;
  host: string;
}

/** Shown without a session: the user picks their Clio region and signs in with Clio (in the top window, or framed, a popup). */
export function SignInPage() {
  usePageTitle('Sign in');
  const [regions, setRegions] = useState<Region[] | null>(null);
  const [region, setRegion] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<{ regions: Region[] }>('GET', '/api/public/regions').then(
      (r) => {
        setRegions(r.regions);
        setRegion(r.regions[0]?.code ?? '');
      },
      (err: Error) => setError(err.message),
    );
  }, []);

  const signIn = (e: Event) => {
    e.preventDefault();
    const start = `/oauth/clio/start?region=${encodeURIComponent(region)}`;
    // Framed in Clio, the sign-in runs in a popup so Clio Manage stays where it is.
    if (!framed) return navigateTop(start);
    void openRoundTrip(start).result.then((r) => (r.type === 'cxs-signed-in' ? signedIn(r.token) : undefined));
  };

  return (
    <main>
      <h1>Bill Syncing → Xero</h1>
      <p>Sign in with your Clio Manage account to set up and follow the sync with Xero.</p>
      {error && <p role="alert">{error}</p>}
      {regions && (
        <form onSubmit={signIn}>
          <div class="field">
            <label for="region">Where is your Clio account?</label>
            <select id="region" value={region} onChange={(e) => setRegion(e.currentTarget.value)}>
              {regions.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.label} ({r.host})
                </option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={!region}>
            Sign in with Clio
          </button>
        </form>
      )}
    </main>
  );
}
