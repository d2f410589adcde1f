// Xero's wire formats for time: MS-JSON dates (`/Date(ms+0000)/`) plus the ISO `...String` twins
// real responses carry. The clock is injectable so tests never depend on wall time.

export interface Clock {
  now(): number;
}

export interface ManualClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export function createManualClock(startMs: number): ManualClock {
  let current = startMs;
  return {
    now: () => current,
    set: (ms) => {
      current = ms;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

export const isManualClock = (clock: Clock): clock is ManualClock => typeof (clock as Partial<ManualClock>).advance === 'function';

export const DAY_MS = 86_400_000;

export const msDate = (ms: number): string => `/Date(${ms}+0000)/`;

/** `2026-11-25T00:00:00` — the DateString form (no zone, no millis). */
export const dateString = (ms: number): string => new Date(ms).toISOString().slice(0, 19);

/** `2026-11-25T10:11:12Z` — the UpdatedDateUTCString form. */
export const utcString = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** Webhook eventDateUtc: millisecond precision and, like the real service, no zone suffix. */
export const eventDateString = (ms: number): string => new Date(ms).toISOString().slice(0, 23);

export const startOfUtcDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/**
 * Accepts what clients send for date fields: `YYYY-MM-DD`, ISO date-times, or MS-JSON dates.
 * Document dates are calendar days, so the time part is dropped. Returns undefined when unparseable.
 */
export function parseDateInput(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const ms = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value.trim());
  if (ms) return startOfUtcDay(Number(ms[1]));
  const day = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(value.trim());
  if (!day) return undefined;
  const t = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
  return Number.isNaN(t) ? undefined : t;
}

/** If-Modified-Since: HTTP-date or ISO, precise to the second. */
export function parseTimestamp(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) || /GMT/.test(value) ? value : `${value}Z`);
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000) * 1000;
}
