// Validates request and response bodies against a published OpenAPI 3.0 / 3.1 document.
// Generic: nothing here knows about Xero or Clio. Emulator tests use it so that every body the
// emulators accept or return is checked against the vendor's own schemas, not our reading of them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { expect } from 'vitest';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;
const DOC_ID = 'https://openapi.invalid/document.json';

export interface PathMatch {
  template: string;
  params: Record<string, string>;
}

export interface RequestParts {
  /** Header names are compared case-insensitively. Only presence of required headers is checked. */
  headers?: Record<string, string | undefined>;
  query?: Record<string, string | undefined>;
}

export interface OpenApiValidator {
  readonly version: '3.0' | '3.1';
  /** Base paths taken from `servers[].url` (e.g. `/api.xro/2.0`), stripped before matching. */
  readonly basePaths: readonly string[];
  matchPath(method: string, pathOrUrl: string): PathMatch | undefined;
  validateRequest(method: string, pathOrUrl: string, body: unknown, parts?: RequestParts): string[];
  validateResponse(method: string, pathOrUrl: string, status: number, body: unknown): string[];
  /**
   * Every query parameter against the operation's declared ones: undeclared names and values that
   * do not fit the parameter's schema (integers, booleans, enums, formats) are errors.
   */
  validateQuery(method: string, pathOrUrl: string, query: URLSearchParams): string[];
  /** Whether the operation documents this status (exactly, as a range like 4XX, or as default). */
  declaresResponse(method: string, pathOrUrl: string, status: number): boolean;
  /** Validate against any schema in the document, e.g. `#/components/schemas/WebhookEvent`. */
  validateSchema(pointer: string, value: unknown): string[];
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * OAS 3.0 schemas are not JSON Schema: `$ref` siblings must be ignored, `nullable` means "or null",
 * and exclusiveMinimum/Maximum are booleans. Rewrite them so a JSON Schema validator reads them as
 * the OpenAPI spec intends. OAS 3.1 schemas are already JSON Schema 2020-12 and are left alone.
 */
function normaliseOas30(node: Json): Json {
  if (Array.isArray(node)) return node.map(normaliseOas30);
  if (!isObject(node)) return node;
  if (typeof node.$ref === 'string') return { $ref: node.$ref };
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) out[key] = normaliseOas30(value);
  for (const bound of ['Minimum', 'Maximum'] as const) {
    const flag = out[`exclusive${bound}`];
    const limit = out[bound.toLowerCase()];
    if (typeof flag === 'boolean') {
      delete out[`exclusive${bound}`];
      if (flag && typeof limit === 'number') {
        out[`exclusive${bound}`] = limit;
        delete out[bound.toLowerCase()];
      }
    }
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else {
      return { anyOf: [out, { type: 'null' }] };
    }
  }
  return out;
}

/** The published OpenAPI files, in shared/ beside the repository (as laid out for CI too). */
const SHARED = new URL('../../../shared/', import.meta.url);
export const OPENAPI_FILES = {
  xeroAccounting: fileURLToPath(new URL('xero-openapi/xero_accounting.yaml', SHARED)),
  xeroWebhooks: fileURLToPath(new URL('xero-openapi/xero-webhooks.yaml', SHARED)),
  clio: fileURLToPath(new URL('clio-openapi/clio-api-v4-openapi.json', SHARED)),
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function loadDocument(file: string): JsonObject {
  const text = readFileSync(file, 'utf8');
  const doc: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: -1 });
  if (!isObject(doc) || typeof doc.openapi !== 'string') throw new Error(`${file} is not an OpenAPI document`);
  return doc;
}

const escapePointerSegment = (s: string): string => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));

const formatErrors = (errors: ErrorObject[] | null | undefined): string[] =>
  (errors ?? []).map((e) => {
    const extra =
      e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : e.keyword === 'enum' ? ` (${JSON.stringify(e.params.allowedValues)})` : '';
    return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
  });

function serverBasePaths(doc: JsonObject): string[] {
  const servers = Array.isArray(doc.servers) ? doc.servers : [];
  const paths = servers.flatMap((s) => {
    if (!isObject(s) || typeof s.url !== 'string') return [];
    const p = new URL(s.url, 'http://placeholder').pathname.replace(/\/$/, '');
    return p ? [p] : [];
  });
  // Longest first so that nested bases win.
  return [...new Set(paths)].sort((a, b) => b.length - a.length);
}

interface Operation {
  template: string;
  pointer: string[];
  node: JsonObject;
  pathItem: JsonObject;
}

class Validator implements OpenApiValidator {
  readonly version: '3.0' | '3.1';
  readonly basePaths: readonly string[];
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; segments: string[] }[];

  constructor(private readonly doc: JsonObject) {
    this.version = String(doc.openapi).startsWith('3.0') ? '3.0' : '3.1';
    const options = { strict: false, allErrors: true, validateSchema: false, logger: false } as const;
    this.ajv = this.version === '3.0' ? new Ajv(options) : new Ajv2020(options);
    // ajv-formats is CommonJS; under ESM interop the callable may sit on `.default`.
    const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
    addFormats(this.ajv);
    const schemaDoc = this.version === '3.0' ? normaliseOas30(doc) : doc;
    this.ajv.addSchema(schemaDoc as object, DOC_ID);
    this.basePaths = serverBasePaths(doc);
    const paths = isObject(doc.paths) ? doc.paths : {};
    this.templates = Object.keys(paths).map((template) => ({ template, segments: template.split('/').filter(Boolean) }));
  }

  private resolve(node: Json | undefined): Json | undefined {
    let current = node;
    for (let hops = 0; isObject(current) && typeof current.$ref === 'string' && hops < 20; hops++) {
      const ref: string = current.$ref;
      if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
      current = ref
        .slice(2)
        .split('/')
        .reduce<Json | undefined>((acc, seg) => {
          const key = decodeURIComponent(seg).replace(/~1/g, '/').replace(/~0/g, '~');
          return isObject(acc) ? acc[key] : Array.isArray(acc) ? acc[Number(key)] : undefined;
        }, this.doc);
    }
    return current;
  }

  private validator(pointer: string[]): ValidateFunction {
    const ref = `${DOC_ID}#/${pointer.map(escapePointerSegment).join('/')}`;
    let fn = this.compiled.get(ref);
    if (!fn) {
      fn = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, fn);
    }
    return fn;
  }

  private stripToPath(pathOrUrl: string): string {
    let path = /^[a-z][a-z0-9+.-]*:\/\//i.test(pathOrUrl) ? new URL(pathOrUrl).pathname : (pathOrUrl.split('?')[0] ?? '');
    for (const base of this.basePaths) {
      if (path === base || path.startsWith(`${base}/`)) {
        path = path.slice(base.length) || '/';
        break;
      }
    }
    return path;
  }

  matchPath(method: string, pathOrUrl: string): PathMatch | undefined {
    const concrete = this.stripToPath(pathOrUrl).split('/').filter(Boolean).map(decodeURIComponent);
    const m = method.toLowerCase();
    let best: { match: PathMatch; score: number } | undefined;
    for (const { template, segments } of this.templates) {
      if (segments.length !== concrete.length) continue;
      const item = this.resolve((this.doc.paths as JsonObject)[template]);
      if (!isObject(item) || !isObject(item[m])) continue;
      const params: Record<string, string> = {};
      let score = 0;
      let ok = true;
      segments.forEach((seg, i) => {
        const value = concrete[i] ?? '';
        const names = [...seg.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]!);
        if (names.length === 0) {
          if (seg.toLowerCase() !== value.toLowerCase()) ok = false;
          else score += 10;
          return;
        }
        // A parameter may fill part of a segment, as in Clio's `{id}.json`.
        const pattern = new RegExp(
          `^${seg
            .split(/\{[^}]+\}/)
            .map(escapeRegExp)
            .join('([^/]+?)')}$`,
          'i',
        );
        const hit = pattern.exec(value);
        if (!hit) {
          ok = false;
          return;
        }
        score += seg.length - names.reduce((n, name) => n + name.length + 2, 0);
        names.forEach((param, k) => {
          const captured = hit[k + 1] ?? '';
          params[param] = captured;
          // Ambiguous templates (e.g. /Contacts/{ContactID} vs /Contacts/{ContactNumber}):
          // prefer the one whose parameter format fits the value.
          if (this.paramFormat(item, item[m] as JsonObject, param) === 'uuid' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(captured))
            score += 1;
        });
      });
      if (ok && (!best || score > best.score)) best = { match: { template, params }, score };
    }
    return best?.match;
  }

  private parameters(pathItem: JsonObject, op: JsonObject): JsonObject[] {
    const list = [...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []), ...(Array.isArray(op.parameters) ? op.parameters : [])];
    return list.map((p) => this.resolve(p)).filter(isObject);
  }

  private paramFormat(pathItem: JsonObject, op: JsonObject, name: string): string | undefined {
    const p = this.parameters(pathItem, op).find((x) => x.in === 'path' && x.name === name);
    const schema = p && this.resolve(p.schema);
    return isObject(schema) && typeof schema.format === 'string' ? schema.format : undefined;
  }

  private operation(method: string, pathOrUrl: string): Operation | string {
    const match = this.matchPath(method, pathOrUrl);
    if (!match) return `no operation ${method.toUpperCase()} ${pathOrUrl} in the document`;
    const pathItem = this.resolve((this.doc.paths as JsonObject)[match.template]) as JsonObject;
    const m = method.toLowerCase();
    return { template: match.template, pointer: ['paths', match.template, m], node: pathItem[m] as JsonObject, pathItem };
  }

  /** Follows `$ref`s while tracking the JSON pointer of the node reached, so ajv can compile it by reference. */
  private descend(pointer: string[], node: Json | undefined, key: string): { pointer: string[]; node: Json | undefined } {
    let p = pointer;
    let n = node;
    if (isObject(n) && typeof n.$ref === 'string') {
      p = n.$ref
        .slice(2)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      n = this.resolve(n);
    }
    return { pointer: [...p, key], node: isObject(n) ? n[key] : undefined };
  }

  private jsonContent(pointer: string[], holder: Json | undefined): { pointer: string[]; present: boolean } {
    const content = this.descend(pointer, holder, 'content');
    if (!isObject(content.node)) return { pointer: content.pointer, present: false };
    const type = Object.keys(content.node).find((t) => t === 'application/json') ?? Object.keys(content.node).find((t) => /json/i.test(t));
    if (!type || !isObject(content.node[type]) || !('schema' in content.node[type])) return { pointer: content.pointer, present: false };
    return { pointer: [...content.pointer, type, 'schema'], present: true };
  }

  validateRequest(method: string, pathOrUrl: string, body: unknown, parts: RequestParts = {}): string[] {
    const op = this.operation(method, pathOrUrl);
    if (typeof op === 'string') return [op];
    const errors: string[] = [];
    const lowerHeaders = new Map(Object.entries(parts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    for (const p of this.parameters(op.pathItem, op.node)) {
      if (p.required !== true || typeof p.name !== 'string') continue;
      if (p.in === 'header' && parts.headers && lowerHeaders.get(p.name.toLowerCase()) === undefined) errors.push(`missing required header ${p.name}`);
      if (p.in === 'query' && parts.query && parts.query[p.name] === undefined) errors.push(`missing required query parameter ${p.name}`);
    }
    const requestBody = this.descend(op.pointer, op.node, 'requestBody');
    if (requestBody.node === undefined) {
      if (body !== undefined) errors.push(`${op.template} declares no request body`);
      return errors;
    }
    const content = this.jsonContent(requestBody.pointer, requestBody.node);
    if (!content.present) return errors;
    const fn = this.validator(content.pointer);
    if (!fn(body)) errors.push(...formatErrors(fn.errors));
    return errors;
  }

  validateQuery(method: string, pathOrUrl: string, query: URLSearchParams): string[] {
    const op = this.operation(method, pathOrUrl);
    if (typeof op === 'string') return [op];
    const declared = new Map<string, string[]>();
    const lists: [string[], Json | undefined][] = [
      [['paths', op.template, 'parameters'], op.pathItem.parameters],
      [op.pointer.concat('parameters'), op.node.parameters],
    ];
    for (const [pointer, list] of lists) {
      if (!Array.isArray(list)) continue;
      list.forEach((node, i) => {
        const param = this.descend([...pointer, String(i)], node, 'schema');
        const resolved = this.resolve(node);
        if (isObject(resolved) && resolved.in === 'query' && typeof resolved.name === 'string') declared.set(resolved.name, param.pointer);
      });
    }
    const errors: string[] = [];
    for (const [name, value] of query) {
      const pointer = declared.get(name);
      if (!pointer) {
        errors.push(`${method.toUpperCase()} ${op.template} declares no query parameter ${name}`);
        continue;
      }
      const fn = this.validator(pointer);
      if (!fn(coerceQueryValue(this.resolve(this.resolvePointer(pointer)), value))) {
        errors.push(...formatErrors(fn.errors).map((e) => `query ${name}=${value}: ${e}`));
      }
    }
    return errors;
  }

  private resolvePointer(pointer: string[]): Json | undefined {
    return pointer.reduce<Json | undefined>((acc, key) => (isObject(acc) ? acc[key] : Array.isArray(acc) ? acc[Number(key)] : undefined), this.doc);
  }

  private responseKey(op: Operation, status: number): { pointer: string[]; declared: JsonObject; key: string | undefined } | undefined {
    const responses = this.descend(op.pointer, op.node, 'responses');
    const declared = this.resolve(responses.node);
    if (!isObject(declared)) return undefined;
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in declared);
    return { pointer: responses.pointer, declared, key };
  }

  declaresResponse(method: string, pathOrUrl: string, status: number): boolean {
    const op = this.operation(method, pathOrUrl);
    return typeof op !== 'string' && this.responseKey(op, status)?.key !== undefined;
  }

  validateResponse(method: string, pathOrUrl: string, status: number, body: unknown): string[] {
    const op = this.operation(method, pathOrUrl);
    if (typeof op === 'string') return [op];
    const found = this.responseKey(op, status);
    if (!found) return [`${op.template} declares no responses`];
    const { pointer, declared, key } = found;
    if (!key) return [`${method.toUpperCase()} ${op.template} declares no response for status ${status}`];
    const response = { pointer: [...pointer, key], node: declared[key] };
    const content = this.jsonContent(response.pointer, response.node);
    if (!content.present) {
      return body === undefined || body === null || body === '' ? [] : [`${op.template} ${status} declares no body`];
    }
    const fn = this.validator(content.pointer);
    return fn(body) ? [] : formatErrors(fn.errors);
  }

  validateSchema(pointer: string, value: unknown): string[] {
    const segments = pointer
      .replace(/^#\//, '')
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const fn = this.validator(segments);
    return fn(value) ? [] : formatErrors(fn.errors);
  }
}

/** A query string carries text: read it as the schema's type would be written (`7` an integer, `true` a boolean). */
function coerceQueryValue(schema: Json | undefined, value: string): Json {
  const type = isObject(schema) ? schema.type : undefined;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

const cache = new Map<string, OpenApiValidator>();

/** Loads (and caches per file) a validator for an OpenAPI document in YAML or JSON. */
export function loadOpenApi(file: string): OpenApiValidator {
  let v = cache.get(file);
  if (!v) {
    v = new Validator(loadDocument(file));
    cache.set(file, v);
  }
  return v;
}

/** Vitest assertion: fails with every schema error listed. */
export function expectValid(errors: string[], what = 'body'): void {
  expect(errors, `${what} does not match the OpenAPI schema`).toEqual([]);
}
