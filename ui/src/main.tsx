import { render } from 'preact';
import { App } from './App';
import { captureToken } from './session';

// Before anything renders, so the token leaves the address bar (and history) at once.
captureToken();
render(<App />, document.getElementById('app')!);
