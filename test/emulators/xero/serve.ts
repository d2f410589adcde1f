// Standalone: `npx tsx test/emulators/xero/serve.ts` (port from XERO_EMULATOR_PORT, default 8789).
import { serve } from '@hono/node-server';
import { createXeroEmulator, DEFAULT_PORT } from './index';

const port = Number(process.env.XERO_EMULATOR_PORT ?? DEFAULT_PORT);
const emulator = createXeroEmulator({
  baseUrl: process.env.XERO_EMULATOR_BASE_URL ?? `http://127.0.0.1:${port}`,
  ...(process.env.XERO_WEBHOOK_URL ? { webhookUrl: process.env.XERO_WEBHOOK_URL } : {}),
});
serve({ fetch: emulator.app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`Xero emulator listening on http://127.0.0.1:${info.port}`);
});
