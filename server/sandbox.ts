import type { Config } from './config';
import type { Logger } from './log';

/**
 * Sandbox mode: with no Clio app configured, the emulators the tests use stand in for Clio and
 * Xero, seeded with a demo firm, so a newcomer sees bills reach "Xero" with no credentials; a
 * mail catcher stands in for SMTP, showing the failure emails it receives.
 * Loaded on demand so production never imports test code.
 */
export async function startSandboxEmulators(config: Config, logger: Logger) {
  const { startEmulators } = await import('../test/emulators/start');
  const emulators = await startEmulators({
    clioPort: config.CLIO_EMULATOR_PORT,
    xeroPort: config.XERO_EMULATOR_PORT,
    addonUrl: config.PUBLIC_URL,
    sandboxDemo: true,
  });
  // Without the catcher the sandbox still syncs; it just sends no failure emails.
  const mail = config.SMTP_URL
    ? undefined
    : await import('../test/emulators/mail/catcher')
        .then(({ startMailCatcher }) => startMailCatcher({ smtpPort: config.MAIL_CATCHER_PORT, httpPort: config.MAIL_CATCHER_VIEW_PORT }))
        .catch((err: Error) => {
          logger.warn({ err: { message: err.message } }, 'sandbox mail catcher not started: failure emails are off');
          return undefined;
        });
  return { ...emulators, mail, stop: async () => void (await Promise.all([emulators.stop(), mail?.stop()])) };
}
