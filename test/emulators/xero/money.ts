// Xero rounds per line (tax to 2 dp on each line, then sums), never on the document total.

/** Half away from zero; the epsilon absorbs binary noise such as 1.005 * 100 = 100.49999. */
export function round(value: number, dp: number): number {
  const f = 10 ** dp;
  const scaled = Math.abs(value) * f;
  return (Math.sign(value) * Math.round(scaled + 1e-7 * Math.max(1, scaled / 1e6))) / f || 0;
}

export const round2 = (value: number): number => round(value, 2);

export const sum = (values: number[]): number => round2(values.reduce((a, b) => a + b, 0));
