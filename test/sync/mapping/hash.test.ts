import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from '../../../server/sync/mapping/hash';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('canonicalJson', () => {
  it('sorts keys at every level, whatever the order they were built in', () => {
    const a = { b: 1, a: { d: [3, 1], c: 'x' } };
    const b = { a: { c: 'x', d: [3, 1] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[3,1]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('sorts objects inside arrays too, but keeps the array order', () => {
    expect(
      canonicalJson([
        { b: 1, a: 2 },
        { d: null, c: true },
      ]),
    ).toBe('[{"a":2,"b":1},{"c":true,"d":null}]');
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
    expect(canonicalJson([2, 1])).toBe('[2,1]');
  });

  it('orders keys by code unit, not by locale (capitals first)', () => {
    expect(canonicalJson({ b: 1, a: 2, B: 3, _: 4 })).toBe('{"B":3,"_":4,"a":2,"b":1}');
  });

  it('drops undefined members but keeps null ones', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson({ a: 1, b: null })).toBe('{"a":1,"b":null}');
    expect(canonicalJson({ x: { y: undefined } })).toBe('{"x":{}}');
  });

  it('writes scalars and escapes as JSON does', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('a"b\n')).toBe('"a\\"b\\n"');
    expect(canonicalJson({ 'k"': -12.5 })).toBe('{"k\\"":-12.5}');
    expect(canonicalJson(0)).toBe('0');
    expect(canonicalJson(false)).toBe('false');
  });
});

describe('contentHash', () => {
  it('is the SHA-256 of the canonical form, in hex', () => {
    expect(contentHash({ b: 1, a: 2 })).toBe(sha256('{"a":2,"b":1}'));
    expect(contentHash({ b: 1, a: 2 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is stable across key order and undefined members', () => {
    const built1: Record<string, unknown> = {};
    built1.lines = [{ key: 'line:1', lineAmountCents: 100 }];
    built1.invoiceNumber = '42';
    const built2 = { invoiceNumber: '42', currencyCode: undefined, lines: [{ lineAmountCents: 100, key: 'line:1' }] };
    expect(contentHash(built1)).toBe(contentHash(built2));
    expect(contentHash(built1)).toBe(contentHash(structuredClone(built1)));
  });

  it('changes with any value, type or line order', () => {
    const base = contentHash({ a: 1, lines: ['x', 'y'] });
    expect(contentHash({ a: 2, lines: ['x', 'y'] })).not.toBe(base);
    expect(contentHash({ a: '1', lines: ['x', 'y'] })).not.toBe(base);
    expect(contentHash({ a: 1, lines: ['y', 'x'] })).not.toBe(base);
    expect(contentHash({ a: 1, lines: ['x', 'y'], b: null })).not.toBe(base);
  });
});
