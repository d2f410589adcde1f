import type { Config } from './config';

/**
 * Sandbox mode: with no Clio app configured, the emulators the tests use stand in for Clio and
 * Xero, seeded with a demo firm, so a newcomer sees bills reach "Xero" with no credentials; a
 * mail catcher stands in for SMTP, showing the failure emails it receives.
 * Loaded on demand so production never imports test code.
 */
export async function startSandboxEmulators(config: Config) {
  const { startEmulators } = await import('../test/emulators/start');
  const { startMailCatcher } = await import('../test/emulators/mail/catcher');
  const emulators = await startEmulators({
    clioPort: config.CLIO_EMULATOR_PORT,
    xeroPort: config.XERO_EMULATOR_PORT,
    addonUrl: config.PUBLIC_URL,
  });
  const mail = await startMailCatcher({ smtpPort: config.MAIL_CATCHER_PORT, httpPort: config.MAIL_CATCHER_PORT + 1 }).catch(async (err) => {
    await emulators.stop();
    throw err;
  });
  return { ...emulators, mail, stop: async () => void (await Promise.all([emulators.stop(), mail.stop()])) };
}
