import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { getFirm, upsertFirm } from '../../server/firms/repository';
import { createLogger } from '../../server/log';
import { startServer } from '../../server/main';
import { freePort } from '../../server/net/free-port';
import { killStrayServerProcesses, startServerProcess } from '../support/process';

const dirs: string[] = [];
afterAll(async () => {
  killStrayServerProcesses();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function dataDir() {
  const d = await mkdtemp(join(tmpdir(), 'lifecycle-'));
  dirs.push(d);
  return d;
}

const running = (l: Record<string, unknown>) => typeof l.port === 'number' && typeof l.startupMs === 'number';

describe('server process', () => {
  it('starts embedded Postgres, answers /readyz, keeps data across a restart, and exits 0 on SIGTERM', async () => {
    const DATA_DIR = await dataDir();
    // No Clio credentials: sandbox mode, so the emulators come up too, on ports of their own.
    const env = {
      PORT: '0',
      PUBLIC_URL: 'http://localhost:1',
      DATA_DIR,
      LOG_LEVEL: 'info',
      CLIO_EMULATOR_PORT: String(await freePort()),
      XERO_EMULATOR_PORT: String(await freePort()),
      MAIL_CATCHER_PORT: '0',
      MAIL_CATCHER_VIEW_PORT: '0',
    };

    const first = startServerProcess(env);
    const { port } = await first.waitForLine(running);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(existsSync(join(DATA_DIR, 'pg', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(DATA_DIR, 'secret.key'))).toBe(true);
    expect((await fetch(`http://127.0.0.1:${env.CLIO_EMULATOR_PORT}/_emulator/manage`)).status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    // Postgres stopped with it: its lock file is gone.
    expect(existsSync(join(DATA_DIR, 'pg', 'postmaster.pid'))).toBe(false);

    const second = startServerProcess(env);
    const again = await second.waitForLine(running);
    expect((await fetch(`http://127.0.0.1:${again.port}/readyz`)).status).toBe(200);
    second.child.kill('SIGINT');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('keeps the firm data in DATA_DIR across a restart of the embedded database', async () => {
    const config = loadConfig({ PORT: '0', DATA_DIR: await dataDir(), LOG_LEVEL: 'silent' });
    const logger = createLogger('silent');
    const first = await startServer(config, logger);
    const firm = await upsertFirm(first.db, { clioAccountId: 501, region: 'ca', name: 'Persistent LLP' });
    await first.stop();

    const second = await startServer(config, logger);
    try {
      expect((await getFirm(second.db, firm.id))?.name).toBe('Persistent LLP');
    } finally {
      await second.stop();
    }
  });

  it('stops at once with one line naming a bad variable', async () => {
    const p = startServerProcess({ PORT: 'eighty', DATA_DIR: await dataDir() });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.lines).toEqual(['Invalid configuration: PORT expected a port number from 0 to 65535 (got "eighty")']);
  });

  it('a production setting without its companions stops the start with one line, never a silent sandbox', async () => {
    const p = startServerProcess({
      PORT: '0',
      DATA_DIR: await dataDir(),
      CLIO_CLIENT_ID: 'id',
      CLIO_CLIENT_SECRET: 'secret',
      XERO_CLIENT_ID: 'x',
      XERO_CLIENT_SECRET: 'y',
    });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.lines).toEqual([
      'Invalid configuration: production settings are present (CLIO_CLIENT_ID, CLIO_CLIENT_SECRET, XERO_CLIENT_ID, XERO_CLIENT_SECRET) but XERO_WEBHOOK_KEY, SECRET_KEY, PUBLIC_URL, DATABASE_URL are missing; set them, or set SANDBOX=1 to run against the emulators',
    ]);
  });
});
