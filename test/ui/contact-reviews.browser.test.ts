// Issue 16, point 1: the contact reviews left by connecting, settled from the settings page after
// the first sync has run (the sync's own pending row for the client must not block the link), each
// ending in Xero as chosen, and a refusal shown beside the button pressed.
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertContactLink } from '../../server/sync/links';
import { startSyncStack, type SyncStack } from '../sync/stack';
import { axeViolations } from './a11y';
import { buildUi, launchChromium, SCREENSHOT_DIR } from './browser';

let s: SyncStack;
let browser: Browser;

beforeAll(async () => {
  await buildUi();
  [s, browser] = await Promise.all([startSyncStack({ settings: { invoiceStatus: 'AUTHORISED' } }), launchChromium()]);
  await s.settled('the first sync');
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await s?.stack.stop();
});

type Review = { id: string; clioContactId: string; clioName: string; candidates: { xeroContactId: string; name: string }[] };

const openReviews = async (): Promise<Review[]> => (await s.call('GET', '/api/contacts/match-reviews')).body.reviews;
const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true });
const xeroContacts = () => [...s.tenant().contacts.values()];

/** The bills of a client that the sync sends (approved or paid in Clio). */
const billsOf = (clioContactId: string) =>
  s
    .clio()
    .bills.all()
    .filter((b) => String(b.client_id) === clioContactId && (b.state === 'awaiting_payment' || b.state === 'paid'));

/** Each of the client's bills is one invoice in Xero, on `xeroContactId`. */
function expectInvoicedTo(clioContactId: string, xeroContactId: string) {
  const bills = billsOf(clioContactId);
  expect(bills.length, `bills of client ${clioContactId}`).toBeGreaterThan(0);
  for (const bill of bills)
    expect(
      s.invoiceByNumber(bill.number).map((i) => i.ContactID),
      `bill ${bill.number}`,
    ).toEqual([xeroContactId]);
}

const reviewGroup = (page: Page, clioName: string): Locator => page.getByRole('group', { name: clioName });

describe('contact reviews, settled in a real browser after the first sync', () => {
  it('links one to its Xero contact, refuses a taken contact beside its button, creates the other anew; the waiting bills follow', async () => {
    const reviews = await openReviews();
    // What the demo seed leaves to review: two clients whose Xero namesakes have another email.
    expect(reviews.map((r) => r.clioName).sort()).toEqual(['Acme Holdings Pty Ltd', 'Müller & Söhne GmbH']);
    const acme = reviews.find((r) => r.clioName === 'Acme Holdings Pty Ltd')!;
    const muller = reviews.find((r) => r.clioName === 'Müller & Söhne GmbH')!;
    const acme01 = xeroContacts().find((c) => c.fields.ContactNumber === 'ACME01')!;
    expect(acme.candidates.map((c) => c.xeroContactId)).toEqual([acme01.ContactID]);
    const mullerInXero = muller.candidates[0]!.xeroContactId;
    // After the first sync the reviewed clients hold the sync's own pending rows, and their bills wait.
    for (const r of [acme, muller]) {
      expect(
        (await s.links('contact')).find((l) => l.clio_id === r.clioContactId),
        r.clioName,
      ).toMatchObject({ xero_id: null });
      for (const bill of billsOf(r.clioContactId)) expect(s.invoiceByNumber(bill.number), `bill ${bill.number}`).toEqual([]);
    }
    const contactsBefore = xeroContacts().length;

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${s.stack.baseUrl}/app/settings#token=${s.token}`);
    const section = page.getByRole('region', { name: 'Contacts to review' });
    await reviewGroup(page, acme.clioName).waitFor();
    await reviewGroup(page, muller.clioName).waitFor();
    expect(await axeViolations(page), 'the settings page with two contact reviews').toEqual([]);
    await section.screenshot({ path: join(SCREENSHOT_DIR, 'contact-reviews-open.png') });

    // Müller's Xero contact is linked to another Clio client meanwhile (another admin, say): the link is refused,
    // and the reason stands beside the button pressed, not under another review.
    expect(await insertContactLink(s.stack.db, s.firmId, { clioId: '999999', xeroId: mullerInXero })).toBe('linked');
    const mullerLink = reviewGroup(page, muller.clioName).getByRole('button', { name: 'Link to this Xero contact' });
    await mullerLink.click();
    const refusal = reviewGroup(page, muller.clioName).getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe('That Xero contact is already linked to another Clio client. Link another one, or create a new contact in Xero.');
    const describedBy = await mullerLink.getAttribute('aria-describedby');
    expect(describedBy).toBeTruthy();
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe(await refusal.textContent());
    // The alert sits in the same list item as the button.
    const candidateRow = reviewGroup(page, muller.clioName).locator('li', { has: page.getByRole('button', { name: 'Link to this Xero contact' }) });
    expect(await candidateRow.getByRole('alert').count()).toBe(1);
    expect(await reviewGroup(page, acme.clioName).getByRole('alert').count()).toBe(0);
    expect(await axeViolations(page), 'a refused link, its reason beside the button').toEqual([]);
    await section.screenshot({ path: join(SCREENSHOT_DIR, 'contact-reviews-refused.png') });

    // Acme: linked to the existing ACME01 although the sync holds a pending row for it; no duplicate is made.
    await reviewGroup(page, acme.clioName).getByRole('button', { name: 'Link to this Xero contact' }).click();
    await reviewGroup(page, acme.clioName).waitFor({ state: 'detached' });
    await s.settled('the sync after the Acme link');
    expect(
      xeroContacts()
        .filter((c) => c.Name.startsWith('Acme Holdings'))
        .map((c) => [c.ContactID, c.Name, c.fields.ContactNumber]),
    ).toEqual([[acme01.ContactID, 'Acme Holdings Pty Ltd', 'ACME01']]);
    expect((await s.links('contact')).find((l) => l.clio_id === acme.clioContactId)).toMatchObject({ xero_id: acme01.ContactID, state: 'synced' });
    expectInvoicedTo(acme.clioContactId, acme01.ContactID);

    // Müller: a new contact in Xero, the one existing left alone.
    await reviewGroup(page, muller.clioName).getByRole('button', { name: 'Create a new contact in Xero' }).click();
    await page.getByText('Nothing needs your review.').waitFor();
    await s.settled('the sync after the Müller review');
    const made = xeroContacts().filter((c) => c.Name.startsWith('Müller & Söhne GmbH') && c.ContactID !== mullerInXero);
    expect(made.map((c) => [c.Name, c.fields.EmailAddress])).toEqual([[`Müller & Söhne GmbH (Clio ${muller.clioContactId})`, 'buchhaltung@mueller-soehne.de']]);
    expect(s.tenant().contacts.get(mullerInXero)).toMatchObject({ Name: 'Müller & Söhne GmbH', ContactStatus: 'ACTIVE' });
    expect((await s.links('contact')).find((l) => l.clio_id === muller.clioContactId)).toMatchObject({ xero_id: made[0]!.ContactID, state: 'synced' });
    expectInvoicedTo(muller.clioContactId, made[0]!.ContactID);
    // One contact made in all: Müller's.
    expect(xeroContacts().length).toBe(contactsBefore + 1);
    expect(await openReviews()).toEqual([]);
    expect(await axeViolations(page), 'the settings page with every review settled').toEqual([]);
    await section.screenshot({ path: join(SCREENSHOT_DIR, 'contact-reviews-settled.png') });
    await context.close();
  });
});
