import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { ApiError } from '../errors';
import type { AppEnv } from '../env';

export const UI_DIST = fileURLToPath(new URL('../../../ui/dist', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * The built UI (Vite, base /app/). Every page path gets index.html (the UI routes on the client);
 * hashed assets are immutable, so browsers may keep them for a year.
 */
export function uiStaticRoutes(distDir = UI_DIST) {
  const app = new Hono<AppEnv>();
  const assetsDir = resolve(distDir, 'assets');

  app.get('/', (c) => c.redirect('/app/', 302));

  app.get('/app/assets/*', async (c) => {
    const file = resolve(assetsDir, decodeURIComponent(c.req.path.slice('/app/assets/'.length)));
    const type = CONTENT_TYPES[extname(file)];
    if (!file.startsWith(assetsDir + sep) || !type) throw new ApiError('NOT_FOUND', 'No such file.');
    const body = await readFile(file).catch(() => {
      throw new ApiError('NOT_FOUND', 'No such file.');
    });
    return c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable' });
  });

  const page = async () => {
    const html = await readFile(resolve(distDir, 'index.html'), 'utf8').catch(() => {
      throw new ApiError('SERVICE_UNAVAILABLE', 'The add-on pages are not built. Run `npm run build:ui`.');
    });
    // Revalidated each time so a deploy's new asset names are picked up at once.
    return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' } });
  };
  app.get('/app', page);
  app.get('/app/*', page);
  return app;
}
