import { createHash } from 'node:crypto';

/**
 * A payload's fingerprint: keys sorted at every level, undefined dropped, so the same content
 * always hashes the same whatever order it was built in. Payloads carry money as integer cents and
 * no volatile fields (timestamps of the read, etags), so an unchanged record never looks changed.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const contentHash = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('hex');
