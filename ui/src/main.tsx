import { render } from 'preact';
import { App } from './App';
import { handOffToOpener } from './frame';
import { captureToken } from './session';

// A popup at the end of a sign-in or Xero round trip only hands its result to the frame that opened it.
if (!handOffToOpener()) {
  // Before anything renders, so the token leaves the address bar (and history) at once.
  void captureToken().then(() => render(<App />, document.getElementById('app')!));
}
