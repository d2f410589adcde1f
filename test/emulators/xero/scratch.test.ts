import { test } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
test('x', () => {
  const d = parse(readFileSync('/work/shared/xero-openapi/xero_accounting.yaml', 'utf8'));
  for (const p of ['/Organisation','/Accounts','/TaxRates','/TrackingCategories','/Contacts','/Contacts/{ContactID}','/Invoices','/Invoices/{InvoiceID}','/CreditNotes','/CreditNotes/{CreditNoteID}','/CreditNotes/{CreditNoteID}/Allocations','/Payments','/Payments/{PaymentID}','/BankTransactions','/BankTransactions/{BankTransactionID}']) {
    for (const [m, op] of Object.entries<any>(d.paths[p])) {
      if (m === 'parameters') continue;
      const req = op.requestBody?.content?.['application/json']?.schema?.$ref;
      const res = Object.entries<any>(op.responses).map(([s, r]) => s + ':' + (r.content?.['application/json']?.schema?.$ref ?? r.$ref ?? '-')).join(' ');
      const qs = (op.parameters ?? []).map((x: any) => x.name ?? x.$ref.split('/').pop()).join(',');
      console.log(m.toUpperCase(), p, 'req', req, 'res', res, 'params', qs);
    }
  }
});
