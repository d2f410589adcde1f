import { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_NAME, CLIO_PATHS, CLIO_PERMISSIONS, CUSTOM_ACTIONS, WEBHOOK_MODELS } from '../server/clio/app-definition';
import { CLIO_REGIONS } from '../server/config';
import { PUBLIC_PAGE_PATHS, publicPageRoutes } from '../server/http/routes/public-pages';

const manifest = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8'));
const path = (url: string) => new URL(url).pathname;

describe('manifest.json agrees with the code', () => {
  it('names the app without "Clio" or "Xero", as the code does', () => {
    expect(manifest.name).toBe(APP_NAME);
    expect(manifest.name).not.toMatch(/clio|xero/i);
  });

  it('gives a role mailbox and public privacy, terms and support pages', () => {
    expect(manifest.support_email).toMatch(/^(support|help|hello|contact|team)@[\w.-]+\.[a-z]{2,}$/);
    for (const key of ['privacy_policy_url', 'terms_of_service_url', 'support_url', 'website_url']) {
      expect(new URL(manifest[key]).protocol, key).toBe('https:');
    }
  });

  it('registers the callback and deauthorization paths the server serves, for every region', () => {
    expect(manifest.regions).toEqual([...CLIO_REGIONS]);
    expect(manifest.oauth.redirect_uri_path).toBe(CLIO_PATHS.callback);
    for (const region of CLIO_REGIONS) {
      expect(manifest.oauth.redirect_uris[region].map(path)).toEqual([CLIO_PATHS.callback]);
    }
    expect(path(manifest.oauth.deauthorization_callback_url)).toBe(CLIO_PATHS.deauthorize);
    // One app per region, so each region's Add to Clio button names its region before the redirect.
    for (const region of CLIO_REGIONS) {
      const url = new URL(manifest.oauth.add_to_clio_urls[region]);
      expect(url.pathname).toBe(CLIO_PATHS.start);
      expect(Object.fromEntries(url.searchParams)).toEqual({ region, a2c: '1' });
    }
  });

  it('lists exactly the custom actions the code registers', () => {
    expect(path(manifest.custom_actions.target_url)).toBe(CLIO_PATHS.customActions);
    expect(manifest.custom_actions.actions).toEqual(CUSTOM_ACTIONS.map((a) => ({ ui_reference: a.uiReference, label: a.label })));
    expect(manifest.custom_actions.actions.map((a: { ui_reference: string }) => a.ui_reference)).not.toContain('bills/show');
  });

  it('lists exactly the webhook models and events the code subscribes to', () => {
    expect(path(manifest.webhooks.url_prefix)).toBe(CLIO_PATHS.webhooks);
    expect(manifest.webhooks.models).toEqual(WEBHOOK_MODELS.map((m) => ({ model: m.model, events: [...m.events] })));
  });

  it('asks for the permissions the code uses, including webhooks and custom actions', () => {
    expect(manifest.permissions).toEqual(CLIO_PERMISSIONS);
  });

  it('points its privacy, terms and support links at pages the app serves', async () => {
    const app = new Hono().route('/', publicPageRoutes());
    const linked = {
      privacy: path(manifest.privacy_policy_url),
      terms: path(manifest.terms_of_service_url),
      support: path(manifest.support_url),
    };
    expect(linked).toEqual(PUBLIC_PAGE_PATHS);
    for (const p of Object.values(linked)) {
      const res = await app.request(p);
      expect(res.status, p).toBe(200);
      const html = await res.text();
      expect(html).toContain(APP_NAME);
      // The CSP allows no inline styles: the page links our stylesheet instead, and it is served.
      expect(html).not.toContain('<style');
    }
    expect((await app.request('/page.css')).headers.get('content-type')).toMatch(/^text\/css/);
    expect(await (await app.request(PUBLIC_PAGE_PATHS.privacy)).text()).toMatch(/train any AI/);
  });
});
