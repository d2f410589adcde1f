import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(__dirname, '../../server/xero');

describe('server/xero layering', () => {
  it('no Xero service imports from the HTTP layer (they take XeroDeps from server/xero/deps.ts)', () => {
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /from\s+['"][./]*\/http\//.test(readFileSync(join(dir, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
