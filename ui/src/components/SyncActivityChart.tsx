import type { ActivityBucket } from '../../../server/api-contract';
import { formatCount } from '../format';

/**
 * Records synced and failed per bucket, as stacked bars a person reads at a glance, with the same
 * figures as a table (for screen readers, and for anyone who wants the numbers). Plain SVG, no
 * library: two series and a few dozen bars.
 */

const WIDTH = 600;
const HEIGHT = 150;
const AXIS = 18;

export interface ChartProps {
  /** Unique on the page: the ids of the SVG's title and description derive from it. */
  id: string;
  title: string;
  buckets: ActivityBucket[];
  /** The bucket as people read it ("7 Dec", "14:00"). */
  label: (bucket: string) => string;
  /** Which buckets get a label under the axis (every one would crowd a 30-day chart). */
  tick: (index: number) => boolean;
}

const plural = (n: number, one: string) => `${formatCount(n)} ${one}${n === 1 ? '' : 's'}`;

export function SyncActivityChart({ id, title, buckets, label, tick }: ChartProps) {
  const synced = buckets.reduce((n, b) => n + b.synced, 0);
  const failed = buckets.reduce((n, b) => n + b.failed, 0);
  const max = Math.max(1, ...buckets.map((b) => b.synced + b.failed));
  const busiest = buckets.reduce<ActivityBucket | undefined>((best, b) => (b.synced + b.failed > (best ? best.synced + best.failed : 0) ? b : best), undefined);
  const summary =
    synced + failed === 0
      ? 'Nothing was synced.'
      : `${plural(synced, 'record')} synced and ${plural(failed, 'record')} failed${busiest ? `; the busiest was ${label(busiest.bucket)}, with ${formatCount(busiest.synced + busiest.failed)}` : ''}.`;
  const slot = WIDTH / Math.max(1, buckets.length);
  const bar = Math.min(24, Math.max(2, slot * 0.7));
  const plot = HEIGHT - AXIS;
  const y = (n: number) => (n / max) * (plot - 4);

  return (
    <figure class="activity">
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <desc id={`${id}-desc`}>{summary}</desc>
        <line x1={0} y1={plot} x2={WIDTH} y2={plot} class="axis" />
        {buckets.map((b, i) => {
          const x = i * slot + (slot - bar) / 2;
          const hs = y(b.synced);
          const hf = y(b.failed);
          return (
            <g key={b.bucket}>
              {b.synced > 0 && <rect x={x} y={plot - hs} width={bar} height={hs} class="synced" />}
              {b.failed > 0 && <rect x={x} y={plot - hs - hf} width={bar} height={hf} class="failed" />}
              {tick(i) && (
                <text x={x + bar / 2} y={HEIGHT - 4} text-anchor="middle">
                  {label(b.bucket)}
                </text>
              )}
            </g>
          );
        })}
        <text x={2} y={12} class="scale">
          {formatCount(max)}
        </text>
      </svg>
      <p class="legend">
        <span class="key synced" aria-hidden="true" /> Synced <span class="key failed" aria-hidden="true" /> Failed — {summary}
      </p>
      <details>
        <summary>The figures</summary>
        <table class="overrides">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Synced</th>
              <th scope="col">Failed</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b.bucket}>
                <th scope="row">{label(b.bucket)}</th>
                <td>{b.synced}</td>
                <td>{b.failed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
