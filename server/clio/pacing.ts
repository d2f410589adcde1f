/**
 * Clio allows about 50 requests a minute per access token at peak. Waiting here before sending
 * is cheaper than earning 429s; the client still honours Retry-After when Clio disagrees.
 */
export interface Pacer {
  /** Resolves when one more request for `key` fits in the window. */
  take(key: string): Promise<void>;
  /** Clio said the window is spent (`X-RateLimit-Remaining: 0`): hold `key` until `untilMs`. */
  pause(key: string, untilMs: number): void;
}

/** Longer than any window Clio documents: a skewed reset time never stalls us for more. */
const MAX_PAUSE_MS = 60_000;

export function createPacer(limit = 50, windowMs = 60_000): Pacer {
  const sent = new Map<string, number[]>();
  const paused = new Map<string, number>();
  return {
    pause(key, untilMs) {
      paused.set(key, Math.min(untilMs, Date.now() + MAX_PAUSE_MS));
    },
    async take(key) {
      for (;;) {
        const now = Date.now();
        const resume = paused.get(key) ?? 0;
        if (resume > now) {
          await sleep(resume - now);
          continue;
        }
        const recent = (sent.get(key) ?? []).filter((t) => now - t < windowMs);
        if (recent.length < limit) {
          recent.push(now);
          sent.set(key, recent);
          return;
        }
        await sleep(windowMs - (now - recent[0]!));
      }
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const pacers = new Map<number, Pacer>();

/** One pacer per process (per window length): the limit is per token, and a token is used by one firm's jobs at a time. */
export function processPacer(windowMs = 60_000): Pacer {
  let pacer = pacers.get(windowMs);
  if (!pacer) pacers.set(windowMs, (pacer = createPacer(50, windowMs)));
  return pacer;
}

/**
 * Of each token's 50 calls a minute, what a dry run may spend (issue 15, attack 4). A preview is
 * a convenience; the sync and an uninstall are not. Capping the preview's share was chosen over
 * aborting it when an uninstall arrives: the cap keeps 30 calls of every window free whatever
 * arrives when (a sync as much as an uninstall), and needs no cancellation threaded through the
 * sweep; a preview that needs more simply waits for the next window.
 */
export const PREVIEW_CLIO_SHARE = 20;

const previewPacers = new Map<number, Pacer>();

/**
 * The process pacer, with the dry run's own smaller allowance in front of it: every preview in
 * the process draws from the same share, so several at once cannot add up to the whole window.
 */
export function previewPacer(windowMs = 60_000): Pacer {
  let share = previewPacers.get(windowMs);
  if (!share) previewPacers.set(windowMs, (share = createPacer(PREVIEW_CLIO_SHARE, windowMs)));
  return withinShare(share, processPacer(windowMs));
}

/** A pacer that spends from `share` before `whole`: what passes has fit in both. */
export function withinShare(share: Pacer, whole: Pacer): Pacer {
  return {
    async take(key) {
      await share.take(key);
      await whole.take(key);
    },
    pause: (key, untilMs) => whole.pause(key, untilMs),
  };
}
