/**
 * Money moves through the engine as integer cents: Clio and Xero both speak decimal numbers, and
 * adding floats is how a sync ends up a cent out. Conversions happen at the two edges only.
 */
export type Cents = number;

/** 12.345 → 1235 (half away from zero, as both services round); tolerant of float noise like 0.1 + 0.2. */
export function toCents(amount: number): Cents {
  const scaled = Number((amount * 100).toFixed(6));
  return Math.sign(scaled) * Math.round(Math.abs(scaled));
}

export const fromCents = (cents: Cents): number => cents / 100;

export const sumCents = (values: Cents[]): Cents => values.reduce((a, b) => a + b, 0);

/** Rounds to `dp` decimal places the way Xero stores quantities (4) and unit amounts (2 or 4). */
export function roundTo(value: number, dp: number): number {
  const f = 10 ** dp;
  const scaled = Number((value * f).toFixed(6));
  return (Math.sign(scaled) * Math.round(Math.abs(scaled))) / f;
}

/**
 * Splits `total` cents over `weights` in proportion, largest remainder first, so the parts always
 * add up to exactly `total` (a whole-bill discount spread over account groups, say).
 */
export function allocateCents(total: Cents, weights: number[]): Cents[] {
  const sumW = weights.reduce((a, b) => a + Math.abs(b), 0);
  if (weights.length === 0) return [];
  if (sumW === 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const exact = weights.map((w) => (total * Math.abs(w)) / sumW);
  const parts = exact.map((x) => Math.trunc(x));
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: Math.abs(x - Math.trunc(x)) })).sort((a, b) => b.r - a.r || a.i - b.i);
  const step = Math.sign(left);
  for (let k = 0; left !== 0; k = (k + 1) % order.length) {
    parts[order[k]!.i]! += step;
    left -= step;
  }
  return parts;
}
