import { badRequest } from './errors';
import type { ClioState } from './state';

export type Json = Record<string, unknown>;

/** A relation of a record: the nested object(s) as full views, and which keys may be asked for inside `{}`. */
export interface Relation<T> {
  many: boolean;
  keys: () => readonly string[];
  resolve: (row: T, state: ClioState) => Json | Json[] | null;
}

/** How one Clio record type looks on the wire. */
export interface Shape<T> {
  /** Singular, for messages: "contact". */
  name: string;
  scalars: readonly string[];
  relations: Record<string, Relation<T>>;
  /** Every scalar of the record; relations are resolved separately, only when asked for. */
  view: (row: T, state: ClioState) => Json;
}

export interface FieldRequest {
  name: string;
  /** `undefined` = the relation's default fields; only one level of nesting exists. */
  nested?: string[];
}

const DEFAULT_FIELDS: FieldRequest[] = [{ name: 'id' }, { name: 'etag' }];

/** Parses `id,name,email_addresses{address,primary}` and checks every name against the shape. */
export function parseFields<T>(shape: Shape<T>, raw: string | undefined): FieldRequest[] {
  if (raw === undefined || raw.trim() === '') return DEFAULT_FIELDS;
  const requests: FieldRequest[] = [];
  const pattern = /\s*([A-Za-z0-9_]+)\s*(?:\{([^{}]*)\})?\s*(?:,|$)/y;
  let position = 0;
  while (position < raw.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(raw);
    if (!match || match[0] === '') throw badRequest(`Invalid fields parameter: ${raw}`);
    position = pattern.lastIndex;
    const name = match[1] as string;
    const nested = match[2]
      ?.split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    requests.push(checkField(shape, name, nested));
  }
  return requests;
}

function checkField<T>(shape: Shape<T>, name: string, nested: string[] | undefined): FieldRequest {
  const relation = shape.relations[name];
  if (!relation) {
    if (!shape.scalars.includes(name)) throw badRequest(`Invalid field for ${shape.name}: ${name}`);
    if (nested) throw badRequest(`Field ${name} of ${shape.name} has no nested fields`);
    return { name };
  }
  const allowed = relation.keys();
  for (const key of nested ?? []) {
    if (!allowed.includes(key)) throw badRequest(`Invalid nested field for ${shape.name}.${name}: ${key}`);
  }
  return nested ? { name, nested } : { name };
}

/** Applies a parsed `fields` selection to one record. */
export function select<T>(shape: Shape<T>, row: T, state: ClioState, fields: FieldRequest[]): Json {
  const full = shape.view(row, state);
  const out: Json = {};
  for (const field of fields) {
    const relation = shape.relations[field.name];
    if (!relation) {
      out[field.name] = full[field.name] ?? null;
      continue;
    }
    const keys = field.nested ?? defaultKeys(relation.keys());
    const value = relation.resolve(row, state);
    out[field.name] = Array.isArray(value) ? value.map((v) => pick(v, keys)) : value && pick(value, keys);
  }
  return out;
}

/** A relation named without `{}` shows its id and etag, or everything when it has neither (embedded values). */
function defaultKeys(keys: readonly string[]): readonly string[] {
  const defaults = keys.filter((k) => k === 'id' || k === 'etag');
  return defaults.length > 0 ? defaults : keys;
}

function pick(value: Json, keys: readonly string[]): Json {
  return Object.fromEntries(keys.map((k) => [k, value[k] ?? null]));
}
