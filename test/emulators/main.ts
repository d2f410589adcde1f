// `npm run emulators`: both emulators alone, seeded, for curl and for pointing a server at them.
import { DEFAULT_PORT as CLIO_DEFAULT_PORT } from './clio/index';
import { startEmulators } from './start';
import { DEFAULT_PORT as XERO_DEFAULT_PORT } from './xero/index';

const port = (name: string, fallback: number) => {
  const v = process.env[name];
  const n = v ? Number(v) : fallback;
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    process.stderr.write(`Invalid configuration: ${name} expected a port number from 0 to 65535 (got "${v}")\n`);
    process.exit(1);
  }
  return n;
};

const running = await startEmulators({
  clioPort: port('CLIO_EMULATOR_PORT', CLIO_DEFAULT_PORT),
  xeroPort: port('XERO_EMULATOR_PORT', XERO_DEFAULT_PORT),
  addonUrl: process.env.PUBLIC_URL ?? 'http://localhost:8787',
}).catch((err: Error) => {
  process.stderr.write(`Cannot start the emulators: ${err.message} (set CLIO_EMULATOR_PORT / XERO_EMULATOR_PORT)\n`);
  process.exit(1);
});
process.stdout.write(
  `Clio emulator: ${running.clio.url} (control API ${running.clio.url}/_emulator)\n` + `Xero emulator: ${running.xero.url} (control API ${running.xero.url}/_emulator)\n`,
);
const stop = () => running.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
