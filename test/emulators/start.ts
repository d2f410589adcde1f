import { type ClioEmulator, createClioEmulator, type EmulatorOptions as ClioEmulatorOptions } from './clio/index';
import { serveEmulator } from './serve';
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
  /** Sandbox mode: the demo firm shows untaxed expenses, an overpayment and a USD matter (clio/sandbox-demo.ts). */
  sandboxDemo?: boolean;
  clio?: Partial<ClioEmulatorOptions>;
  xero?: XeroEmulatorOptions;
}

/** Both emulators on real loopback ports: for tests, sandbox mode and `npm run emulators`. */
export async function startEmulators(opts: StartEmulatorsOptions): Promise<RunningEmulators> {
  const clio = await serveEmulator(opts.clioPort, (baseUrl) =>
    createClioEmulator({
      baseUrl,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.addonUrl ? { addonUrl: opts.addonUrl } : {}),
      ...(opts.sandboxDemo ? { sandboxDemo: true } : {}),
      // The Xero seed organisations are Australian (AUD, GST): the paired Clio firm bills in AUD
      // with GST, as a real firm syncing to them would; a USD firm would need multicurrency in Xero.
      region: 'AU',
      ...opts.clio,
    }),
  );
  const xero = await serveEmulator(opts.xeroPort, (baseUrl) =>
    createXeroEmulator({
      baseUrl,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.addonUrl ? { webhookUrl: `${opts.addonUrl}/webhooks/xero` } : {}),
      ...opts.xero,
    }),
  ).catch(async (err) => {
    await clio.close();
    throw err;
  });
  return {
    clio: { url: clio.url, emulator: clio.emulator },
    xero: { url: xero.url, emulator: xero.emulator },
    stop: async () => {
      await Promise.all([clio.close(), xero.close()]);
    },
  };
}
