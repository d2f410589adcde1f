import { serve, type ServerType } from '@hono/node-server';
import { fileURLToPath } from 'node:url';
import { createClioEmulator, DEFAULT_PORT, type ClioEmulator, type EmulatorOptions } from './index';

/** Serves an emulator over HTTP; `baseUrl` defaults to http://127.0.0.1:<port>. */
export async function startClioEmulator(
  options: Partial<EmulatorOptions> & { port?: number } = {},
): Promise<{ emulator: ClioEmulator; server: ServerType; url: string; close(): Promise<void> }> {
  const port = options.port ?? Number(process.env.CLIO_EMULATOR_PORT ?? DEFAULT_PORT);
  const emulator = createClioEmulator({ ...options, baseUrl: options.baseUrl ?? `http://127.0.0.1:${port}` });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: emulator.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  // With port 0 the real port is known only now; paging links and subject URLs must name it.
  if (!options.baseUrl) emulator.options.baseUrl = url;
  return { emulator, server, url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await startClioEmulator({ addonUrl: process.env.ADDON_URL });
  console.log(`Clio emulator on ${url} (host page: ${url}/_emulator/manage)`);
}
