import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { useFocusOnNewPage } from './focus';
import { OrganisationChoicePage } from './pages/OrganisationChoicePage';
import { RecordPage } from './pages/RecordPage';
import { SettingsPage } from './pages/SettingsPage';
import { SignInPage } from './pages/SignInPage';
import { StatusPage } from './pages/StatusPage';
import { JumpLink } from './components/JumpLink';
import { SECTIONS_TITLE_ID } from './components/SectionNav';
import { TabNav } from './components/TabNav';
import { currentPath, matchRoute } from './router';
import { sessionToken } from './session';
import { useSignal } from './signal';
import { usePageTitle } from './title';
import type { Me } from '../../server/api-contract';

export function App() {
  const token = useSignal(sessionToken);
  const path = useSignal(currentPath);
  useFocusOnNewPage(path);
  const [me, setMe] = useState<Me | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const reloadMe = () => api<Me>('GET', '/api/me').then(setMe, (err: Error) => setLoadError(err.message));

  // Keyed on the token's presence, not its value: a renewal must not reload the page's data.
  const signedIn = token !== null;
  useEffect(() => {
    setMe(null);
    if (signedIn) void reloadMe();
  }, [signedIn]);

  if (!signedIn) return <SignInPage />;
  if (!me) return <main>{loadError ? <p role="alert">{loadError}</p> : <p aria-busy="true">Loading…</p>}</main>;

  const route = matchRoute(path);
  return (
    <>
      {/* The first Tab stop: past the header and the tabs, to the settings page's list of sections. */}
      {route.page === 'settings' && (
        <JumpLink to={SECTIONS_TITLE_ID} class="skip-link">
          Skip to the settings
        </JumpLink>
      )}
      <header class="app-header">
        <span>{me.firm.name}</span>
        <span>
          {me.user.name}
          {me.user.isAdmin ? ' (administrator)' : ''}
        </span>
      </header>
      {(route.page === 'settings' || route.page === 'status') && <TabNav current={route.page} />}
      <main>
        {route.page === 'settings' && <SettingsPage me={me} onConnectionChange={reloadMe} />}
        {route.page === 'status' && <StatusPage me={me} />}
        {route.page === 'xero-organisation' && <OrganisationChoicePage onChosen={reloadMe} />}
        {route.page === 'record' && <RecordPage kind={route.kind} id={route.id} />}
        {route.page === 'not-found' && <NotFoundPage />}
      </main>
    </>
  );
}

function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <>
      <h1>Page not found</h1>
      <p>
        <a href="/app/settings">Go to the sync settings</a>
      </p>
    </>
  );
}
