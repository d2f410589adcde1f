import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { APP_NAME } from '../clio/app-definition';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** Served from our own origin, because the CSP allows no inline styles. */
export const PAGE_CSS_PATH = '/page.css';
export const PAGE_CSS =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2933}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}';

/** A plain page: a title and paragraphs of text, escaped, not cacheable. */
export function textPage(c: Context, status: ContentfulStatusCode, title: string, sections: { heading?: string; text: string }[]): Response {
  c.header('Cache-Control', 'no-store');
  const body = sections.map((s) => `${s.heading ? `<h2>${escapeHtml(s.heading)}</h2>` : ''}<p>${escapeHtml(s.text)}</p>`).join('');
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
      `<title>${escapeHtml(title)} · ${escapeHtml(APP_NAME)}</title><link rel="stylesheet" href="${PAGE_CSS_PATH}">` +
      `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    status,
  );
}

/**
 * The few plain pages a browser lands on outside the UI (OAuth outcomes, refused custom actions):
 * a title and a sentence in plain words, never a stack trace or a token.
 */
export function messagePage(c: Context, status: ContentfulStatusCode, title: string, message: string): Response {
  return textPage(c, status, title, [{ text: message }]);
}
