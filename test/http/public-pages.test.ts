// Issue 8: the privacy page states only what the code does.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { PUBLIC_PAGE_PATHS, publicPageRoutes } from '../../server/http/routes/public-pages';

const page = async (days?: number) => (await new Hono().route('/', publicPageRoutes(days)).request(PUBLIC_PAGE_PATHS.privacy)).text();

describe('the privacy page', () => {
  it('no longer claims an audit log of every change', async () => {
    expect(await page()).not.toMatch(/audit log of every change/);
  });

  it('says what removal does (test/offboarding/uninstall.stack.test.ts) and when the rest is deleted (PURGE_AFTER_DAYS)', async () => {
    const text = await page(45);
    expect(text).toMatch(/deletes the Clio and Xero tokens, disconnects your Xero organisation at Xero/);
    expect(text).toMatch(/deleted 45 days after the app is removed/);
  });

  it('describes the security log as the code keeps it (test/offboarding/listing.stack.test.ts)', async () => {
    expect(await page()).toMatch(/cannot be changed and is kept for one year/);
  });
});
