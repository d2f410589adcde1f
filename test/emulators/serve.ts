import { serve, type ServerType } from '@hono/node-server';
import { freePort } from '../../server/net/free-port';

export interface ServedEmulator<E> {
  emulator: E;
  /** http://127.0.0.1:<port>: also the emulator's own base URL (paging links, subject and resource URLs). */
  url: string;
  close(): Promise<void>;
}

/**
 * Puts an emulator on a loopback port. The port is settled before the emulator is built, so the
 * URLs it writes into its responses name the port it really listens on (0 picks a free one).
 */
export async function serveEmulator<E extends { app: { fetch: (req: Request) => Response | Promise<Response> } }>(
  port: number,
  build: (url: string) => E,
): Promise<ServedEmulator<E>> {
  const actualPort = port || (await freePort());
  const url = `http://127.0.0.1:${actualPort}`;
  const emulator = build(url);
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: emulator.app.fetch, port: actualPort, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  return {
    emulator,
    url,
    close: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      if ('closeAllConnections' in server) server.closeAllConnections();
      await closed;
    },
  };
}
