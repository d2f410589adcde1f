import { describe, expect, it } from 'vitest';
import { allocateCents, roundTo, toCents } from '../../../server/sync/mapping/money';

describe('toCents', () => {
  it('absorbs float noise that naive scaling gets wrong', () => {
    expect(toCents(0.1 + 0.2)).toBe(30); // 30.000000000000004
    expect(toCents(4.35)).toBe(435); // 434.99999999999994
    expect(toCents(19.99)).toBe(1999);
    expect(toCents(-0.07)).toBe(-7); // -7.000000000000001
  });

  it('rounds half away from zero, even where the float sits just below the half', () => {
    expect(toCents(1.005)).toBe(101); // Math.round(1.005 * 100) gives 100
    expect(toCents(12.345)).toBe(1235);
    expect(toCents(123456.785)).toBe(12345679);
    expect(toCents(2.004)).toBe(200);
  });

  it('mirrors the rounding for negatives rather than rounding towards +∞', () => {
    expect(toCents(-1.005)).toBe(-101); // Math.round(-100.5) gives -100
    expect(toCents(-12.345)).toBe(-1235);
    expect(toCents(-2.5)).toBe(-250);
    expect(toCents(-0.994)).toBe(-99);
  });

  it('keeps whole amounts exact', () => {
    expect(toCents(0)).toBe(0);
    expect(toCents(691.58)).toBe(69158);
    expect(toCents(1_000_000)).toBe(100_000_000);
  });
});

describe('roundTo', () => {
  it('rounds to the given places, half away from zero, tolerant of float noise', () => {
    expect(roundTo(1200 / 3600, 4)).toBe(0.3333);
    expect(roundTo(6000 / 3600, 4)).toBe(1.6667);
    expect(roundTo(1.00005, 4)).toBe(1.0001); // 10000.499999999998 when scaled
    expect(roundTo(2.675, 2)).toBe(2.68); // (2.675).toFixed(2) gives 2.67
    expect(roundTo(-2.5, 0)).toBe(-3);
    expect(roundTo(-1.00005, 4)).toBe(-1.0001);
    expect(roundTo(274.992500149997, 4)).toBe(274.9925);
    expect(roundTo(7, 4)).toBe(7);
  });
});

describe('allocateCents', () => {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  it('gives the leftover cents to the largest remainders, ties to the earlier part', () => {
    // 1000 × (1, 2, 3)/6 = 166.67, 333.33, 500 → 166 + 333 + 500 = 999; the .67 gets the cent.
    expect(allocateCents(1000, [1, 2, 3])).toEqual([167, 333, 500]);
    // 10 × (1,1,1,4)/7 = 1.43, 1.43, 1.43, 5.71 → 1+1+1+5 = 8; .71 first, then the first of the tied .43s.
    expect(allocateCents(10, [1, 1, 1, 4])).toEqual([2, 1, 1, 6]);
    expect(allocateCents(100, [1, 1, 1])).toEqual([34, 33, 33]);
    // 2784 over (10650, 45033): 532.46 and 2251.54 → the second gets the cent.
    expect(allocateCents(2784, [10650, 45033])).toEqual([532, 2252]);
  });

  it('is exact when the split is even', () => {
    expect(allocateCents(900, [1, 2])).toEqual([300, 600]);
    expect(allocateCents(0, [5, 7])).toEqual([0, 0]);
  });

  it('always sums to the total and keeps every part within a cent of its share', () => {
    const cases: [number, number[]][] = [
      [1, [1, 1, 1]],
      [2, [3, 3, 3]],
      [99999, [7, 13, 17, 19]],
      [12345, [0.1, 0.2, 0.3]],
      [-12345, [0.1, 0.2, 0.3]],
      [5, [1000000, 1, 1]],
      [-7, [2, 2, 2, 2, 2]],
    ];
    for (const [total, weights] of cases) {
      const parts = allocateCents(total, weights);
      expect(parts).toHaveLength(weights.length);
      expect(sum(parts)).toBe(total);
      const w = sum(weights);
      parts.forEach((p, i) => {
        expect(Number.isInteger(p)).toBe(true);
        expect(Math.abs(p - (total * weights[i]!) / w)).toBeLessThan(1);
      });
    }
  });

  it('splits negative totals as the mirror image of positive ones', () => {
    expect(allocateCents(-1000, [1, 2, 3])).toEqual([-167, -333, -500]);
    expect(allocateCents(-10, [1, 1, 1, 4])).toEqual([-2, -1, -1, -6]);
    expect(allocateCents(-2784, [10650, 45033])).toEqual([-532, -2252]);
  });

  it('gives nothing to zero weights, and everything to the first part when all weights are zero', () => {
    expect(allocateCents(500, [0, 3, 1])).toEqual([0, 375, 125]);
    expect(allocateCents(7, [0, 1, 0])).toEqual([0, 7, 0]);
    expect(allocateCents(500, [0, 0])).toEqual([500, 0]);
    expect(allocateCents(-500, [0, 0, 0])).toEqual([-500, 0, 0]);
    expect(allocateCents(7, [])).toEqual([]);
  });
});
