import { useEffect, useState } from 'preact/hooks';
import type { SyncActivity as Activity } from '../../../server/api-contract';
import { api } from '../api';
import { SyncActivityChart } from './SyncActivityChart';
import { formatDayMonth } from '../format';

/** The figures change with each sync, not by the second: once a minute is enough. */
const REFRESH_MS = 60_000;

const hourLabel = (bucket: string) => `${bucket.slice(11, 13)}:00`;

/** The Status tab's picture of the sync: the last 30 days, and today by the hour, in the reader's time zone. */
export function SyncActivity() {
  const [activity, setActivity] = useState<Activity | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const load = () =>
      api<Activity>('GET', `/api/sync/activity?tz=${encodeURIComponent(tz)}`).then(
        (a) => {
          setActivity(a);
          setError(null);
        },
        (err: Error) => setError(err.message),
      );
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  return (
    <section class="panel" aria-labelledby="sync-activity">
      <h2 id="sync-activity">Sync activity</h2>
      {error && <p role="alert">Could not load the sync activity: {error}</p>}
      {!activity && !error && <p aria-busy="true">Loading the sync activity…</p>}
      {activity && (
        <>
          <SyncActivityChart
            id="activity-days"
            title="Records synced and failed per day, last 30 days"
            buckets={activity.days}
            label={formatDayMonth}
            tick={(i) => (activity.days.length - 1 - i) % 7 === 0}
          />
          <SyncActivityChart id="activity-hours" title="Today, per hour" buckets={activity.hours} label={hourLabel} tick={(i) => i % 3 === 0} />
        </>
      )}
    </section>
  );
}
