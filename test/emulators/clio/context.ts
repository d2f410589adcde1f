import type { Clock } from './clock';
import type { ClioState, Region } from './state';
import type { NonceStore } from './nonces';
import type { TokenStore } from './tokens';

export interface EmulatorOptions {
  /** The emulator's own public URL (no trailing slash): used in paging links, subject URLs, report downloads. */
  baseUrl: string;
  /** false/0: an empty firm (users and bank accounts only); true/1: the demo firm; n: the demo firm n times over. */
  seed: boolean | number;
  /** With a seed: the sandbox's demo cases too (sandbox-demo.ts); the tests count the seed without them. */
  sandboxDemo?: boolean;
  /** The add-on's public URL, framed by the sandbox host page. */
  addonUrl?: string;
  region: Region;
  clock: Clock;
  /** Shrinks the rate-limit window (60 s / timeScale) and report processing time; never disables limiting. */
  timeScale: number;
  /** Requests per window per access token. */
  rateLimit: number;
  /** Seconds an access token lives (Clio Manage: 30 days). */
  tokenLifetimeSeconds: number;
  /** Registered redirect URIs of the sandbox app; empty = accept any (the sandbox app is permissive). */
  redirectUris: string[];
  /** How long a queued report takes before it completes, in emulator-clock milliseconds (before timeScale). */
  reportDelayMs: number;
  /** Webhook delivery: attempts after the first failure, first backoff delay, per-attempt timeout (real time). */
  webhookRetries: number;
  webhookRetryDelayMs: number;
  webhookTimeoutMs: number;
  /** How long an injected "timeout" fault hangs before answering 504 (real time). */
  hangMs: number;
}

/** What every module of the emulator reads. `state` is replaced on reset, so read it per request. */
export interface Emulator {
  options: EmulatorOptions;
  state: ClioState;
  tokens: TokenStore;
  nonces: NonceStore;
  /** The Clio user signed in to the sandbox "Clio Manage" (who approves OAuth and clicks custom actions). */
  session: { userId: number | null; denyConsent: boolean };
}

/** Hono variables set by the auth middleware for /api/v4 routes. */
export interface ApiEnv {
  Variables: { userId: number; accessToken: string };
}
