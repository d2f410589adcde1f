import { ConfigError, loadConfig } from './config';
import { createLogger } from './log';
import { startServer } from './main';
import { startSandboxEmulators } from './sandbox';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const started = performance.now();
  const emulators = config.sandbox ? await startSandboxEmulators(config, logger) : undefined;
  // In sandbox mode failure emails go to the mail catcher, wherever it found a port.
  if (emulators?.mail) config = { ...config, smtpUrl: emulators.mail.smtpUrl };
  const server = await startServer(config, logger);
  logger.info(
    { port: server.port, startupMs: Math.round(performance.now() - started), sandbox: config.sandbox },
    config.sandbox
      ? `Sandbox mode (no Clio/Xero credentials): open ${config.PUBLIC_URL} to start, or ${emulators!.clio.url}/_emulator/manage to see the add-on inside the Clio Manage emulator${emulators!.mail ? `; failure emails arrive at ${emulators!.mail.viewUrl}` : ''}`
      : `Clio ↔ Xero sync is running: open ${config.PUBLIC_URL}`,
  );

  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    Promise.all([server.stop(), emulators?.stop()]).then(
      () => process.exit(0),
      (err) => {
        logger.error({ err: { message: (err as Error).message } }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: npm and tsx relay the same signal again, and a second one must not kill us mid-shutdown.
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
