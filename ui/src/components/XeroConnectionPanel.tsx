import { useState } from 'preact/hooks';
import type { ConnectionView } from '../../../server/api-contract';
import { api, postTo } from '../api';
import { framed, openRoundTrip } from '../frame';
import { sessionToken } from '../session';
import { DANGER_ZONE_TITLE_ID } from './DangerZone';
import { JumpLink } from './JumpLink';

/** What went wrong on the way back from Xero (the callback adds ?xero_error=<code>), in the user's terms. */
const CALLBACK_ERRORS: Record<string, string> = {
  access_denied: 'Xero access was not granted, so nothing was connected. Choose “Connect to Xero” to try again.',
  no_organisation: 'That Xero user has no organisation we could connect to. Sign in to Xero as a user of your organisation.',
  state_expired: 'The Xero sign-in took too long. Choose “Connect to Xero” to start again.',
  state_used: 'That Xero sign-in link was already used. Choose “Connect to Xero” to start again.',
  state_unknown: 'We did not recognise that Xero sign-in. Choose “Connect to Xero” to start again.',
  xero_unavailable: 'Xero could not be reached just now. Try connecting again in a few minutes.',
};
const CALLBACK_ERROR_FALLBACK = 'Connecting to Xero did not finish. Choose “Connect to Xero” to try again.';

function callbackError(): string | null {
  const code = new URLSearchParams(location.search).get('xero_error');
  return code ? (CALLBACK_ERRORS[code] ?? CALLBACK_ERROR_FALLBACK) : null;
}

/**
 * The organisation and the state of the link (certification X3–X5). Plain text buttons, never a
 * redrawn Xero logo. Xero's login refuses frames, so connecting navigates the top window of a tab,
 * and from Clio's frame a popup. The session goes along in the form's body, so the start link is
 * bound to this user's session. Disconnecting lives in the page's danger zone, away from here.
 */
export function XeroConnectionPanel(props: { connection: ConnectionView; isAdmin: boolean }) {
  const { connection } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(callbackError);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const connect = () => {
    // Framed in Clio, Xero's consent runs in a popup (opened now, inside the click); the frame then
    // goes where the round trip ended, with its own session.
    const trip = framed ? openRoundTrip() : undefined;
    void trip?.result.then((r) => r.type === 'cxs-xero' && location.assign(r.path));
    return run(async () => {
      const { authorizeUrl } = await api<{ authorizeUrl: string }>('POST', '/api/xero/connect');
      postTo(authorizeUrl, { token: sessionToken.get() ?? '' }, trip?.target);
    });
  };
  const connectButton = (label: string) =>
    props.isAdmin && (
      <button type="button" onClick={connect} disabled={busy}>
        {label}
      </button>
    );

  return (
    <section class="panel" aria-labelledby="xero-connection-title">
      <h2 id="xero-connection-title">Xero connection</h2>
      {connection.status === 'not_connected' && (
        <>
          <p>
            Status: <strong>Not connected</strong>. Connect your Xero organisation to start syncing bills.
          </p>
          {connectButton('Connect to Xero')}
        </>
      )}
      {connection.status === 'pending_choice' && (
        <p>
          Status: <strong>Waiting for you to choose an organisation</strong>. <a href="/app/settings/xero-organisation">Choose the Xero organisation to sync with</a>.
        </p>
      )}
      {connection.status === 'needs_reconnect' && (
        <>
          <p>
            Organisation: <strong>{connection.tenantName}</strong>. Status: <strong>Needs reconnecting</strong> — syncing is paused.
          </p>
          <p>
            {connection.reason ?? 'Xero no longer accepts our connection.'} To fix it, choose “Reconnect to Xero” and sign in with a Xero user who has access to{' '}
            {connection.tenantName ?? 'the organisation'}.
          </p>
          {connectButton('Reconnect to Xero')}
        </>
      )}
      {connection.status === 'active' && (
        <>
          <p>
            Organisation: <strong>{connection.tenantName}</strong>. Status: <strong>Connected</strong>.
          </p>
          {props.isAdmin && (
            <p class="note">
              To stop syncing, see the <JumpLink to={DANGER_ZONE_TITLE_ID}>Danger zone</JumpLink> at the end of this page.
            </p>
          )}
        </>
      )}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
