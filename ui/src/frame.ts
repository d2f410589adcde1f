/**
 * Framed inside Clio Manage, the add-on never sends Clio's window away: each OAuth round trip
 * (sign-in, Connect to Xero) runs in a popup on our own origin, which hands its result back to
 * this frame with postMessage and closes (docs/adr/0007-framed-sessions.md).
 */
export const framed = window.top !== window.self;

const POPUP_NAME = 'cxs-round-trip';
const POPUP_FEATURES = 'popup,width=640,height=760';

export type RoundTripResult = { type: 'cxs-signed-in'; token: string } | { type: 'cxs-xero'; path: string };

/**
 * Opens the popup now, inside the click (later, a browser blocks it), at `url` or blank for a form
 * to target. The result is believed only from that popup and from our own origin.
 */
export function openRoundTrip(url = 'about:blank'): { target: string; result: Promise<RoundTripResult> } {
  const popup = window.open(url, POPUP_NAME, POPUP_FEATURES);
  const result = new Promise<RoundTripResult>((resolve) => {
    const onMessage = (e: MessageEvent) => {
      if (e.origin !== location.origin || e.source !== popup) return;
      const data = e.data as Partial<RoundTripResult> | null;
      if (data?.type !== 'cxs-signed-in' && data?.type !== 'cxs-xero') return;
      window.removeEventListener('message', onMessage);
      resolve(data as RoundTripResult);
    };
    window.addEventListener('message', onMessage);
  });
  return { target: POPUP_NAME, result };
}

/**
 * In the popup, at the end of a round trip: hands the result to the frame that opened it and
 * closes. True when this page was such a popup (nothing else should run). The target origin is
 * ours, so only our own frame can receive the token.
 */
export function handOffToOpener(): boolean {
  if (window.name !== POPUP_NAME || !window.opener) return false;
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  history.replaceState(history.state, '', location.pathname + location.search);
  const result: RoundTripResult = token ? { type: 'cxs-signed-in', token } : { type: 'cxs-xero', path: location.pathname + location.search };
  (window.opener as Window).postMessage(result, location.origin);
  window.close();
  return true;
}
