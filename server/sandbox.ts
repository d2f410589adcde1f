import type { Config } from './config';

/**
 * Sandbox mode: with no Clio app configured, the emulators the tests use stand in for Clio and
 * Xero, seeded with a demo firm, so a newcomer sees bills reach "Xero" with no credentials.
 * Loaded on demand so production never imports test code.
 */
export async function startSandboxEmulators(config: Config) {
  const { startEmulators } = await import('../test/emulators/start');
  return startEmulators({
    clioPort: config.CLIO_EMULATOR_PORT,
    xeroPort: config.XERO_EMULATOR_PORT,
    addonUrl: config.PUBLIC_URL,
  });
}
