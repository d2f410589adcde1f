import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const server = join(__dirname, '../../server');
const importsOf = (dir: string) =>
  readdirSync(join(server, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...readFileSync(join(server, dir, f), 'utf8').matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => ({ file: `${dir}/${f}`, spec: m[1]! })));

describe('module layering', () => {
  it('auth/ imports nothing from http/ (the session middleware lives in http/session.ts)', () => {
    expect(importsOf('auth').filter((i) => /\/http\//.test(i.spec))).toEqual([]);
  });

  it('clio/ and xero/ queue jobs through jobs/enqueue.ts only, never the task definitions', () => {
    const offenders = [...importsOf('clio'), ...importsOf('xero')].filter((i) => /\/jobs\//.test(i.spec) && !/\/jobs\/enqueue$/.test(i.spec));
    expect(offenders).toEqual([]);
  });

  it('jobs/enqueue.ts is a leaf: it imports nothing from clio/, xero/ or the tasks', () => {
    const offenders = importsOf('jobs').filter((i) => i.file === 'jobs/enqueue.ts' && /clio|xero|tasks|sync/.test(i.spec));
    expect(offenders).toEqual([]);
  });
});
