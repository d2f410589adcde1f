// Issue 15: sessions that hold inside Clio Manage's frame (docs/adr/0007-framed-sessions.md). The
// Clio host page is served from localhost and frames the add-on on 127.0.0.1 — two sites — with
// third-party cookies blocked, so the frame has no storage and no ordinary cookie.
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/net/free-port';
import { SEED_TENANTS } from '../emulators/xero/index';
import { startTestStack, type TestStack } from '../support/stack';
import { buildUi, launchChromium } from './browser';

let stack: TestStack;
let browser: Browser;
let hostUrl: string;

beforeAll(async () => {
  await buildUi();
  const clioPort = await freePort();
  hostUrl = `http://localhost:${clioPort}`;
  // The server knows Clio by the host page's site, so Clio's frame is an allowed ancestor.
  [stack, browser] = await Promise.all([
    startTestStack({ emulators: { clioPort }, env: { CLIO_US_BASE_URL: hostUrl } }),
    launchChromium(['--test-third-party-cookie-phase-out']),
  ]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The add-on's frame inside the host page. */
async function addOnFrame(page: Page): Promise<Frame> {
  await page.locator('iframe[title="Add-on"]').waitFor();
  return (await (await page.$('iframe[title="Add-on"]'))!.contentFrame())!;
}

describe('framed inside Clio Manage, third-party cookies blocked', () => {
  it('signs in and connects Xero through popups that finish back in the frame, and a reload of the host page keeps it signed in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${hostUrl}/_emulator/manage?path=${encodeURIComponent('/app/settings')}`);
    let frame = await addOnFrame(page);
    expect(new URL(frame.url()).origin).toBe(stack.baseUrl);
    // The frame really is cut off: storage refused, as Chromium does for a cross-site frame without third-party cookies.
    expect(
      await frame.evaluate(() => {
        try {
          sessionStorage.setItem('probe', '1');
          return 'stored';
        } catch {
          return 'refused';
        }
      }),
    ).toBe('refused');

    // Sign in: a popup runs Clio's OAuth (the emulator approves at once) and closes; Clio's window never moves.
    const signInPopup = page.waitForEvent('popup');
    await frame.getByRole('button', { name: 'Sign in with Clio' }).click();
    await (await signInPopup).waitForEvent('close');
    await frame.getByText('Not connected').waitFor();
    expect(page.url()).toContain(`${hostUrl}/_emulator/manage`);

    // Connect Xero: the consent runs in a popup too; the frame lands on the organisation choice, signed in.
    const xeroPopup = page.waitForEvent('popup');
    await frame.getByRole('button', { name: 'Connect to Xero' }).click();
    await (await xeroPopup).waitForEvent('close');
    await frame.getByRole('radio', { name: SEED_TENANTS.primary.name }).check();
    await frame.getByRole('button', { name: 'Sync with this organisation' }).click();
    await frame.getByText('Connected', { exact: true }).waitFor();
    expect(page.url()).toContain(`${hostUrl}/_emulator/manage`);

    // The host page reloads: the frame resumes its session from its partitioned cookie.
    await page.reload();
    frame = await addOnFrame(page);
    await frame.getByText('Connected', { exact: true }).waitFor();
    expect(await frame.getByRole('button', { name: 'Sign in with Clio' }).count()).toBe(0);
    // What held it: the HttpOnly partitioned cookie, kept under Clio's site, not an ordinary third-party one.
    const cookie = (await context.cookies()).find((c) => c.name === 'cxs_session');
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'None', path: '/api/session', partitionKey: 'http://localhost' });
    await context.close();
  });

  it('the same in a tab: sign in, connect Xero, reload, still signed in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${stack.baseUrl}/app/settings`);
    await page.getByRole('button', { name: 'Sign in with Clio' }).click();
    await page.getByRole('heading', { name: 'Bill Syncing → Xero' }).waitFor();
    await page.getByRole('button', { name: /Connect to Xero|Disconnect from Xero/ }).waitFor();
    if (await page.getByRole('button', { name: 'Disconnect from Xero' }).count()) {
      await page.getByRole('button', { name: 'Disconnect from Xero' }).click();
      await page.getByRole('button', { name: 'Yes, disconnect' }).click();
    }
    await page.getByRole('button', { name: 'Connect to Xero' }).click();
    await page.waitForURL(/\/app\/settings\/xero-organisation$/);
    await page.getByRole('radio', { name: SEED_TENANTS.primary.name }).check();
    await page.getByRole('button', { name: 'Sync with this organisation' }).click();
    await page.getByText('Connected', { exact: true }).waitFor();
    await page.reload();
    await page.getByText('Connected', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign in with Clio' }).count()).toBe(0);
    await context.close();
  });
});
