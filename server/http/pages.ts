import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { APP_NAME } from '../clio/app-definition';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/**
 * The few plain pages a browser lands on outside the UI (OAuth outcomes, refused custom actions):
 * a title and a sentence in plain words, never a stack trace or a token, and not cacheable.
 */
export function messagePage(c: Context, status: ContentfulStatusCode, title: string, message: string): Response {
  c.header('Cache-Control', 'no-store');
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
      `<title>${escapeHtml(title)} · ${escapeHtml(APP_NAME)}</title>` +
      `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2933}h1{font-size:1.4rem}</style>` +
      `</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`,
    status,
  );
}
