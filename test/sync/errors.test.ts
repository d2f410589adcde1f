import { describe, expect, it } from 'vitest';
import { classifyXeroMessages, SYNC_ERROR_CODES, type SyncErrorCode } from '../../server/sync/errors';

/** Xero's own wording, as the Xero emulator (test/emulators/xero/*.ts) returns it. */
const CASES: [string, SyncErrorCode][] = [
  ["The account code '200' has been archived, or has been deleted. Each line item must reference a valid account.", 'XERO_ACCOUNT_ARCHIVED'],
  ['The account has been archived, or has been deleted', 'XERO_ACCOUNT_ARCHIVED'],
  ["Account code '610' is not a valid code for this document.", 'XERO_ACCOUNT_INVALID'],
  ["Account code '090' is a bank account and cannot be used on a line item.", 'XERO_ACCOUNT_INVALID'],
  ['Account code or ID must be specified', 'XERO_ACCOUNT_INVALID'],
  ["The TaxType code 'INPUT' cannot be used with account code '200'.", 'XERO_TAX_TYPE_INVALID'],
  ["The TaxType code 'GSTX' does not exist or cannot be used with this type of transaction.", 'XERO_TAX_TYPE_INVALID'],
  ['The contact name Jane Citizen is already assigned to another contact. The contact name must be unique across all active contacts.', 'XERO_CONTACT_NAME_TAKEN'],
  ['The contact number CLIO-42 is already assigned to another contact. The contact number must be unique across all contacts.', 'XERO_CONTACT_NUMBER_TAKEN'],
  [
    'The contact with the specified contact details has been archived. The contact must be un-archived before creating new invoices or credit notes.',
    'XERO_CONTACT_ARCHIVED',
  ],
  ['Invoice # must be unique.', 'XERO_INVOICE_NUMBER_TAKEN'],
  ['Credit Note # must be unique.', 'XERO_INVOICE_NUMBER_TAKEN'],
  ['The document date cannot be before the period lock date, currently set at 31 Mar 2025', 'XERO_LOCK_DATE'],
  ['The document date cannot be before the end of year lock date, currently set at 30 Jun 2024', 'XERO_LOCK_DATE'],
  ['This document cannot be edited as it has a payment or credit note allocated to it.', 'XERO_PAID_LINE_EDIT'],
  ['To update fields on a paid invoice line item, you must supply a LineItemID', 'XERO_PAID_LINE_EDIT'],
  ['The status DELETED cannot be applied to the invoice because it has payments or credit notes allocated to it.', 'XERO_PAID_LINE_EDIT'],
  ['The Total for this document must be greater than or equal to zero.', 'XERO_NEGATIVE_TOTAL'],
  ['Organisation is not subscribed to currency USD', 'XERO_CURRENCY_NOT_ENABLED'],
  ['Credit notes can only be allocated to Authorised invoices', 'XERO_INVOICE_NOT_AUTHORISED'],
  ['Credit Note must be AUTHORISED to be allocated', 'XERO_INVOICE_NOT_AUTHORISED'],
  ['Invoice not of valid status for modification', 'XERO_INVOICE_CLOSED'],
  ['Payments can only be made against Authorised documents', 'XERO_INVOICE_NOT_AUTHORISED'],
  ['This Bank Transaction cannot be edited as it has been reconciled with a Bank Statement.', 'XERO_RECONCILED'],
];

describe('classifyXeroMessages', () => {
  it.each(CASES)('%s → %s', (message, code) => {
    expect(classifyXeroMessages([message])).toStrictEqual({ code, detail: message });
  });

  it('falls back to XERO_VALIDATION with Xero’s words', () => {
    const m = "The discount rate '5.00' is invalid. Discount must not be greater than the line total.";
    expect(classifyXeroMessages([m])).toStrictEqual({ code: 'XERO_VALIDATION', detail: m });
    expect(classifyXeroMessages(['A Contact must be specified for this type of transaction'])).toMatchObject({ code: 'XERO_VALIDATION' });
    expect(classifyXeroMessages([])).toStrictEqual({ code: 'XERO_VALIDATION', detail: 'Xero gave no reason.' });
  });

  it('finds the rule in any of several messages, and keeps them all in the detail', () => {
    const messages = ['Email address must be valid.', 'Organisation is not subscribed to currency NZD'];
    expect(classifyXeroMessages(messages)).toStrictEqual({
      code: 'XERO_CURRENCY_NOT_ENABLED',
      detail: 'Email address must be valid. Organisation is not subscribed to currency NZD',
    });
  });

  it('tells a contact-number clash from a name clash, though Xero words both "already assigned to another contact"', () => {
    const name = 'The contact name Jane Citizen is already assigned to another contact. The contact name must be unique across all active contacts.';
    const number = 'The contact number CLIO-42 is already assigned to another contact. The contact number must be unique across all contacts.';
    // A name clash is retried under a disambiguated name; a number clash would fail again, so it must not look like one.
    expect(classifyXeroMessages([number]).code).toBe('XERO_CONTACT_NUMBER_TAKEN');
    expect(classifyXeroMessages([name, number]).code).toBe('XERO_CONTACT_NUMBER_TAKEN');
    expect(classifyXeroMessages([name]).code).toBe('XERO_CONTACT_NAME_TAKEN');
  });

  it('classifies an archived account as archived, not as an invalid code', () => {
    const archived = "The account code '200' has been archived, or has been deleted. Each line item must reference a valid account.";
    expect(classifyXeroMessages(["Account code '610' is not a valid code for this document.", archived]).code).toBe('XERO_ACCOUNT_ARCHIVED');
  });

  it('only returns codes the Status tab can explain', () => {
    for (const [message] of CASES) expect(Object.keys(SYNC_ERROR_CODES)).toContain(classifyXeroMessages([message]).code);
  });
});
