import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { freePort } from '../../server/net/free-port';
import { type ClioEmulator, createClioEmulator, type EmulatorOptions as ClioEmulatorOptions } from './clio/index';
import { createXeroEmulator, type XeroEmulator, type XeroEmulatorOptions } from './xero/index';

export interface RunningEmulators {
  clio: { url: string; emulator: ClioEmulator };
  xero: { url: string; emulator: XeroEmulator };
  stop(): Promise<void>;
}

export interface StartEmulatorsOptions {
  /** 0 picks a free port. */
  clioPort: number;
  xeroPort: number;
  /** The add-on's public URL: framed by the Clio host page, and where Xero webhooks go. */
  addonUrl?: string;
  seed?: boolean | number;
  clio?: Partial<ClioEmulatorOptions>;
  xero?: XeroEmulatorOptions;
}

async function listen(app: Hono, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(server));
    server.once('error', reject);
  });
}

async function close(server: ServerType): Promise<void> {
  const closed = new Promise<void>((r) => server.close(() => r()));
  if ('closeAllConnections' in server) server.closeAllConnections();
  await closed;
}

/** Both emulators on real loopback ports: for tests, sandbox mode and `npm run emulators`. */
export async function startEmulators(opts: StartEmulatorsOptions): Promise<RunningEmulators> {
  const clioPort = opts.clioPort || (await freePort());
  const xeroPort = opts.xeroPort || (await freePort());
  const clioUrl = `http://127.0.0.1:${clioPort}`;
  const xeroUrl = `http://127.0.0.1:${xeroPort}`;
  const clio = createClioEmulator({
    baseUrl: clioUrl,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.addonUrl ? { addonUrl: opts.addonUrl } : {}),
    ...opts.clio,
  });
  const xero = createXeroEmulator({
    baseUrl: xeroUrl,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.addonUrl ? { webhookUrl: `${opts.addonUrl}/webhooks/xero` } : {}),
    ...opts.xero,
  });
  const servers = [await listen(clio.app, clioPort), await listen(xero.app, xeroPort)];
  return {
    clio: { url: clioUrl, emulator: clio },
    xero: { url: xeroUrl, emulator: xero },
    stop: async () => {
      await Promise.all(servers.map(close));
    },
  };
}
