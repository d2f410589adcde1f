import { createHash } from 'node:crypto';
import type { Clock } from './clock';

/** Every Clio record carries these. Relations are stored as ids and resolved when a response is shaped. */
export interface Row {
  id: number;
  etag: string;
  created_at: string;
  updated_at: string;
}

export type Fresh<T extends Row> = Omit<T, keyof Row>;

/** Clio renders timestamps to the second; `updated_since` cursors therefore see ties, as in production. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function etagOf(row: object): string {
  return `"${createHash('md5').update(JSON.stringify(row)).digest('hex')}"`;
}

/**
 * One record type. Ids come from a counter shared by all tables so that an id of the wrong type
 * (a matter id where a contact id belongs) finds nothing instead of a wrong record.
 */
export class Table<T extends Row> {
  private readonly rows = new Map<number, T>();
  /** Lazily built groupings by a field, kept current on every write so that large seeds stay fast. */
  private readonly indexes = new Map<keyof T, Map<unknown, Map<number, T>>>();

  constructor(
    readonly name: string,
    private readonly ids: { next(): number },
    private readonly clock: Clock,
    /** Every write is announced, so webhooks fire for API, control-API and seed changes alike. */
    private readonly announce: (table: string, event: 'created' | 'updated' | 'deleted', row: Row) => void,
  ) {}

  insert(data: Fresh<T>): T {
    const now = isoSeconds(this.clock.now());
    const base = { ...data, id: this.ids.next(), created_at: now, updated_at: now } as Omit<T, 'etag'>;
    const row = { ...base, etag: etagOf(base) } as T;
    this.store(row);
    this.announce(this.name, 'created', row);
    return row;
  }

  /** Replaces fields and stamps a new updated_at and etag, even when nothing changed (as Clio's `touch`). */
  update(id: number, patch: Partial<Fresh<T>>): T {
    const current = this.require(id);
    const { etag: _old, ...rest } = { ...current, ...patch, updated_at: isoSeconds(this.clock.now()) };
    const row = { ...rest, etag: etagOf({ ...rest, previous: current.etag }) } as T;
    this.unindex(current);
    this.store(row);
    this.announce(this.name, 'updated', row);
    return row;
  }

  get(id: number): T | undefined {
    return this.rows.get(id);
  }

  require(id: number): T {
    const row = this.rows.get(id);
    if (!row) throw new Error(`no row ${id}`);
    return row;
  }

  remove(id: number): T | undefined {
    const row = this.rows.get(id);
    if (!row) return undefined;
    this.unindex(row);
    this.rows.delete(id);
    this.announce(this.name, 'deleted', row);
    return row;
  }

  /** In id order: ids only grow, and a Map keeps insertion order (updates keep their slot). */
  all(): T[] {
    return [...this.rows.values()];
  }

  /** Rows whose `key` equals `value`, in id order. */
  where<K extends keyof T>(key: K, value: T[K]): T[] {
    let index = this.indexes.get(key);
    if (!index) {
      index = new Map();
      this.indexes.set(key, index);
      for (const row of this.rows.values()) addTo(index, row[key], row);
    }
    return [...(index.get(value)?.values() ?? [])].sort((a, b) => a.id - b.id);
  }

  get size(): number {
    return this.rows.size;
  }

  private store(row: T): void {
    this.rows.set(row.id, row);
    for (const [key, index] of this.indexes) addTo(index, row[key], row);
  }

  private unindex(row: T): void {
    for (const [key, index] of this.indexes) index.get(row[key])?.delete(row.id);
  }
}

function addTo<T extends Row>(index: Map<unknown, Map<number, T>>, value: unknown, row: T): void {
  let group = index.get(value);
  if (!group) {
    group = new Map();
    index.set(value, group);
  }
  group.set(row.id, row);
}

export class IdCounter {
  private last: number;
  constructor(private readonly start = 1000) {
    this.last = start;
  }
  next(): number {
    this.last += 1;
    return this.last;
  }
}
