import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The boundaries of ../shared/spec/architecture.md ("Boundaries worth keeping"), each a test that
 * fails when an import crosses it. Imports are resolved to paths: `sync/links` is server/sync/links.ts,
 * a bare name is a package.
 */
const root = resolve(__dirname, '../..');
const server = join(root, 'server');

interface Import {
  file: string;
  /** Server-relative path without extension (`sync/links`), `ui/...` for the UI, or the package name. */
  target: string;
  typeOnly: boolean;
}

const sourcesOf = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => join(dir, f));

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsIn(path: string): Import[] {
  const file = relative(server, path);
  return [...readFileSync(path, 'utf8').matchAll(IMPORT)].map((m) => {
    const spec = (m[2] ?? m[3])!;
    const target = spec.startsWith('.') ? relative(server, resolve(dirname(path), spec)).replace(/\.tsx?$/, '') : spec;
    return { file, target, typeOnly: Boolean(m[1]) };
  });
}

const importsOf = (dir: string) => sourcesOf(join(server, dir)).flatMap(importsIn);
const within = (target: string, dir: string) => target === dir || target.startsWith(`${dir}/`);
const crossings = (imports: Import[], allowed: (i: Import) => boolean) => imports.filter((i) => !allowed(i)).map((i) => `${i.file} → ${i.target}`);

/** Modules every side may import: they import nothing of the server themselves (checked below). */
const LEAVES = ['domain/kinds', 'domain/changes', 'api-contract', 'net/free-port'];
const isServer = (target: string) =>
  !target.startsWith('..') && /^[a-z-]+(\/|$)/.test(target) && readdirSync(server).some((e) => e.replace(/\.ts$/, '') === target.split('/')[0]);

describe('module layering', () => {
  it('the kinds leaf imports nothing, domain/ nothing but itself; the API contract imports only the kinds; the free port helper nothing of the server', () => {
    expect(importsIn(join(server, 'domain/kinds.ts'))).toEqual([]);
    expect(crossings(importsOf('domain'), (i) => within(i.target, 'domain'))).toEqual([]);
    expect(crossings(importsIn(join(server, 'api-contract.ts')), (i) => i.target === 'domain/kinds')).toEqual([]);
    expect(crossings(importsIn(join(server, 'net/free-port.ts')), (i) => !isServer(i.target))).toEqual([]);
  });

  it('sync/mapping/ does no I/O: it imports only itself, the leaves, hashing and Xero model types', () => {
    const offenders = crossings(
      importsOf('sync/mapping'),
      (i) => within(i.target, 'sync/mapping') || LEAVES.includes(i.target) || i.target === 'node:crypto' || (i.target === 'xero-node' && i.typeOnly),
    );
    expect(offenders).toEqual([]);
  });

  it('sync/mapping/ reads no clock: dates come in as values', () => {
    const clocks = sourcesOf(join(server, 'sync/mapping')).filter((f) => /Date\.now\(|new Date\(\)/.test(readFileSync(f, 'utf8')));
    expect(clocks.map((f) => relative(server, f))).toEqual([]);
  });

  it('clio/ and xero/ know nothing of each other or of the sync', () => {
    expect(crossings(importsOf('clio'), (i) => !within(i.target, 'xero') && !within(i.target, 'sync'))).toEqual([]);
    expect(crossings(importsOf('xero'), (i) => !within(i.target, 'clio') && !within(i.target, 'sync'))).toEqual([]);
  });

  it('clio/ and xero/ queue jobs through jobs/enqueue.ts only, never the task definitions', () => {
    expect(crossings([...importsOf('clio'), ...importsOf('xero')], (i) => !within(i.target, 'jobs') || i.target === 'jobs/enqueue')).toEqual([]);
  });

  it('the webhook services queue nothing: they return verified changes, and sync/ingest.ts records and queues them', () => {
    const services = [...importsIn(join(server, 'clio/webhook-events.ts')), ...importsIn(join(server, 'xero/webhook-service.ts'))];
    expect(crossings(services, (i) => !within(i.target, 'jobs'))).toEqual([]);
  });

  it('jobs/enqueue.ts is a leaf: it imports nothing from clio/, xero/, sync/ or the tasks', () => {
    const enqueue = importsIn(join(server, 'jobs/enqueue.ts'));
    expect(crossings(enqueue, (i) => !['clio', 'xero', 'sync', 'jobs'].some((d) => within(i.target, d)))).toEqual([]);
  });

  it('sync/ knows no HTTP framework, and no job but the one ingest queues: the engine states its own requests', () => {
    const allowed = (i: Import) =>
      i.target !== 'hono' &&
      !i.target.startsWith('hono/') &&
      !within(i.target, 'http') &&
      (!within(i.target, 'jobs') || (i.file === 'sync/ingest.ts' && i.target === 'jobs/enqueue'));
    expect(crossings(importsOf('sync'), allowed)).toEqual([]);
  });

  it('http/ holds no sync logic: from sync/ it takes the engine, webhook ingest and the tables it shows', () => {
    // The record page asks Clio which bills a matter has; that read lives with the other Clio reads.
    const shown = ['sync/engine', 'sync/ingest', 'sync/links', 'sync/history', 'sync/failure-groups', 'sync/clio-reader'];
    expect(crossings(importsOf('http'), (i) => !within(i.target, 'sync') || shown.includes(i.target))).toEqual([]);
  });

  it('db/ imports no other part of the server (but the leaves)', () => {
    expect(crossings(importsOf('db'), (i) => !isServer(i.target) || within(i.target, 'db') || LEAVES.includes(i.target))).toEqual([]);
  });

  it('auth/ imports nothing from http/ (the session middleware lives in http/session.ts)', () => {
    expect(crossings(importsOf('auth'), (i) => !within(i.target, 'http'))).toEqual([]);
  });

  it('ui/ talks to the server only over its JSON API: outside ui/ it imports Preact, the API contract and the kinds, nothing else', () => {
    const ui = sourcesOf(join(root, 'ui/src')).flatMap(importsIn);
    const allowed = (i: Import) => i.target.startsWith('../ui/') || /^(@preact\/|preact(\/|$))/.test(i.target) || ['api-contract', 'domain/kinds'].includes(i.target);
    expect(crossings(ui, allowed)).toEqual([]);
    expect(ui.some((i) => i.target === 'api-contract')).toBe(true);
  });

  it('no function reads "the current firm" from a global: no module holds mutable state at its top level', () => {
    const globals = sourcesOf(server).filter((f) => /^(export\s+)?(let|var)\s/m.test(readFileSync(f, 'utf8')));
    expect(globals.map((f) => relative(server, f))).toEqual([]);
  });
});
