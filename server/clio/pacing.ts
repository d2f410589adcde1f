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
