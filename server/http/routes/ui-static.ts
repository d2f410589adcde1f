import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { ApiError } from '../errors';
import type { AppEnv } from '../env';

/** Set by scripts/build.ts to where the build keeps the pages, relative to the bundle; unset when running from source. */
declare const __UI_DIST__: string | undefined;

export const UI_DIST = fileURLToPath(new URL(typeof __UI_DIST__ === 'string' ? __UI_DIST__ : '../../../ui/dist', import.meta.url));

/**
 * The built UI (Vite, base /app/). Every page path gets index.html (the UI routes on the client);
 * hashed assets are immutable, so browsers may keep them for a year.
 */
export function uiStaticRoutes(distDir = UI_DIST) {
  const app = new Hono<AppEnv>();
  const assetsDir = resolve(distDir, 'assets');

  app.get('/', (c) => c.redirect('/app/', 302));

  app.use('/app/assets/*', async (c, next) => {
    await next();
    if (c.res.status === 200) c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
  });
  app.use('/app/assets/*', serveStatic({ root: assetsDir, rewriteRequestPath: (path) => path.slice('/app/assets'.length) }));
  // A missing asset is a 404, not the page: the SPA fallback below must not answer for it.
  app.get('/app/assets/*', () => {
    throw new ApiError('NOT_FOUND', 'No such file.');
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
