/**
 * The emulator's notion of "now". Everything time-dependent (token and nonce expiry, webhook
 * expiry, rate-limit windows, report progress, timestamps) reads it, so tests move time instead of sleeping.
 */
export interface Clock {
  now(): Date;
  /** Moves this clock forward; the control API exposes it for standalone runs. */
  advance(ms: number): void;
  set(date: Date): void;
}

export function createClock(source: () => Date = () => new Date()): Clock {
  let offset = 0;
  return {
    now: () => new Date(source().getTime() + offset),
    advance: (ms) => {
      offset += ms;
    },
    set: (date) => {
      offset = date.getTime() - source().getTime();
    },
  };
}

/** A clock that stands still until told to move: the default for tests. */
export function fixedClock(start: string | Date): Clock {
  const t = new Date(start).getTime();
  return createClock(() => new Date(t));
}
