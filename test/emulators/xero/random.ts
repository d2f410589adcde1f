// Deterministic randomness: the seed and every generated id must be reproducible run to run.

export interface Random {
  next(): number;
  uuid(): string;
  hex(bytes: number): string;
  letters(count: number): string;
}

/** mulberry32: tiny, fast and good enough for ids and synthetic data. */
export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const hex = (bytes: number): string =>
    Array.from({ length: bytes }, () =>
      Math.floor(next() * 256)
        .toString(16)
        .padStart(2, '0'),
    ).join('');
  return {
    next,
    hex,
    uuid: () => {
      const h = hex(16);
      const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    letters: (count) => Array.from({ length: count }, () => String.fromCharCode(65 + Math.floor(next() * 26))).join(''),
  };
}

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
