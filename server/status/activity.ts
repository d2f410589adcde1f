import type { ActivityBucket, SyncActivity } from '../api-contract';
import type { Database } from '../db/database';
import { activityCounts } from '../sync/history';

/**
 * The Status tab's picture of the sync: records synced and failed per day for the last 30 days, and
 * per hour for today, in the reader's time zone (the browser sends it), every bucket present so a
 * quiet day shows as zero rather than as a gap.
 */

export const ACTIVITY_DAYS = 30;

/** An IANA zone name the runtime knows ("Australia/Sydney"), or undefined. */
export function validTimeZone(raw: string | undefined): string | undefined {
  if (!raw || raw.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(raw)) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: raw }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The reader's wall clock now: its date and hour. */
function localNow(now: Date, timeZone: string): { date: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

const minusDays = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/** Every bucket from the labels, with the counts found for it (zero where none). Pure. */
export function fillBuckets(labels: string[], found: ActivityBucket[]): ActivityBucket[] {
  const byLabel = new Map(found.map((b) => [b.bucket, b]));
  return labels.map((bucket) => byLabel.get(bucket) ?? { bucket, synced: 0, failed: 0 });
}

/** The labels of the last 30 days up to today, and of today's hours up to this one. Pure. */
export function activityLabels(now: Date, timeZone: string): { days: string[]; hours: string[] } {
  const { date, hour } = localNow(now, timeZone);
  const days = Array.from({ length: ACTIVITY_DAYS }, (_, i) => minusDays(date, ACTIVITY_DAYS - 1 - i));
  const hours = Array.from({ length: hour + 1 }, (_, h) => `${date}T${String(h).padStart(2, '0')}`);
  return { days, hours };
}

export async function syncActivity(db: Database, firmId: string, timeZone: string, now = new Date()): Promise<SyncActivity> {
  const labels = activityLabels(now, timeZone);
  // A day more than the window back, in UTC: whatever the zone, the window's first local day is inside it.
  const from = new Date(Date.parse(`${labels.days[0]}T00:00:00Z`) - 86_400_000);
  const [days, hours] = await Promise.all([
    activityCounts(db, firmId, { from, bucket: 'day', timeZone }),
    activityCounts(db, firmId, { from: new Date(now.getTime() - 26 * 3_600_000), bucket: 'hour', timeZone }),
  ]);
  return { timeZone, days: fillBuckets(labels.days, days), hours: fillBuckets(labels.hours, hours) };
}
