import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOpenApi, OPENAPI_FILES } from './openapi';

const XERO = OPENAPI_FILES.xeroAccounting;
const WEBHOOKS = OPENAPI_FILES.xeroWebhooks;
const UUID = '0b1e7a3c-6f1a-4f7a-9a7d-1e2b3c4d5e6f';

function writeDoc(doc: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'oas-')), 'doc.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('loadOpenApi on the Xero accounting spec (OAS 3.0, YAML)', () => {
  const v = loadOpenApi(XERO);

  it('matches concrete paths, full URLs and the server base path to templates', () => {
    expect(v.basePaths).toEqual(['/api.xro/2.0']);
    expect(v.matchPath('POST', 'https://api.xero.com/api.xro/2.0/Invoices/abc?unitdp=4')).toEqual({ template: '/Invoices/{InvoiceID}', params: { InvoiceID: 'abc' } });
    expect(v.matchPath('PUT', '/CreditNotes/x/Allocations')?.template).toBe('/CreditNotes/{CreditNoteID}/Allocations');
    // Ambiguous templates: a UUID picks the ContactID one.
    expect(v.matchPath('GET', `/Contacts/${UUID}`)?.template).toBe('/Contacts/{ContactID}');
    expect(v.matchPath('GET', '/Nope')).toBeUndefined();
  });

  it('reports schema errors in responses and accepts undeclared extra fields', () => {
    expect(v.validateResponse('GET', '/Invoices', 200, { Invoices: [{ Type: 'ACCREC', Total: '3', DateString: 'x' }] })).toEqual(['/Invoices/0/Total must be number']);
    expect(v.validateResponse('GET', '/Invoices', 200, { Invoices: [{ Type: 'ACCREC', LineAmountTypes: 'Exclusive', DateString: 'x' }] })).toEqual([]);
    expect(v.validateResponse('GET', '/Organisation', 401, {})[0]).toMatch(/declares no response for status 401/);
    expect(v.declaresResponse('GET', '/Organisation', 401)).toBe(false);
    expect(v.declaresResponse('PUT', '/Invoices', 400)).toBe(true);
  });

  it('checks request bodies (through a $ref sibling) and required headers', () => {
    const errors = v.validateRequest('PUT', '/Invoices', { Invoices: [{ Type: 'ACCREC', LineAmountTypes: 'EXCLUSIVE' }] }, { headers: {} });
    expect(errors).toContain('missing required header xero-tenant-id');
    expect(errors.some((e) => e.includes('LineAmountTypes'))).toBe(true);
    expect(v.validateRequest('PUT', '/Invoices', { Invoices: [{ Type: 'ACCREC' }] }, { headers: { 'Xero-Tenant-Id': UUID } })).toEqual([]);
  });
});

describe('loadOpenApi on the webhooks spec (OAS 3.1)', () => {
  it('validates named component schemas', () => {
    const w = loadOpenApi(WEBHOOKS);
    expect(w.version).toBe('3.1');
    expect(w.validateSchema('#/components/schemas/WebhookEvent', { events: [], firstEventSequence: 1, lastEventSequence: 1, entropy: 'x' })).toEqual([]);
    expect(w.validateSchema('#/components/schemas/WebhookEvent', { events: [] })).toHaveLength(3);
  });
});

describe('OAS 3.0 conversions', () => {
  const file = writeDoc({
    openapi: '3.0.3',
    info: { title: 't', version: '1' },
    servers: [{ url: 'http://example.test/v1/' }],
    paths: {
      '/things/{id}': {
        post: {
          requestBody: { $ref: '#/components/requestBodies/Thing' },
          responses: { '2XX': { $ref: '#/components/responses/Thing' }, 204: { description: 'none' } },
        },
      },
    },
    components: {
      requestBodies: { Thing: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } } },
      responses: { Thing: { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } } },
      schemas: {
        Thing: {
          type: 'object',
          properties: {
            name: { type: 'string', nullable: true },
            kind: { type: 'string', enum: ['a', 'b'], nullable: true },
            count: { type: 'integer', minimum: 0, exclusiveMinimum: true },
            child: { $ref: '#/components/schemas/Thing', description: 'sibling that OAS 3.0 ignores', type: 'string' },
          },
        },
      },
    },
  });
  const v = loadOpenApi(file);

  it('treats nullable as "or null", boolean exclusiveMinimum as a bound and ignores $ref siblings', () => {
    expect(v.validateRequest('post', '/v1/things/1', { name: null, kind: null, count: 1, child: { name: 'x' } })).toEqual([]);
    expect(v.validateRequest('post', '/v1/things/1', { count: 0 })).toEqual(['/count must be > 0']);
    expect(v.validateRequest('post', '/v1/things/1', { kind: 'c' })[0]).toMatch(/allowed values/);
  });

  it('uses status ranges and checks that bodiless responses have no body', () => {
    expect(v.validateResponse('post', '/things/1', 201, { name: 5 })).toEqual(['/name must be string,null']);
    expect(v.validateResponse('post', '/things/1', 204, undefined)).toEqual([]);
    expect(v.validateResponse('post', '/things/1', 204, { a: 1 })).toHaveLength(1);
  });
});

describe('path templates with a parameter inside a segment', () => {
  const clio = loadOpenApi(OPENAPI_FILES.clio);

  it('matches Clio-style `{id}.json` paths and extracts the id', () => {
    expect(clio.matchPath('GET', '/api/v4/bills/123.json')).toEqual({ template: '/bills/{id}.json', params: { id: '123' } });
    expect(clio.matchPath('GET', '/api/v4/bills.json')?.template).toBe('/bills.json');
  });

  it('does not match a different suffix', () => {
    expect(clio.matchPath('GET', '/api/v4/bills/123.xml')).toBeUndefined();
  });
});

describe('query parameters on the Clio spec (OAS 3.0, JSON)', () => {
  const v = loadOpenApi(OPENAPI_FILES.clio);
  const q = (s: string) => new URLSearchParams(s);

  it('accepts declared parameters whose values fit, repeated ones included', () => {
    expect(v.validateQuery('GET', '/api/v4/allocations.json', q('order=id(asc)&limit=200&bill_id=7&updated_since=2026-11-25T10:00:00Z&fields=id'))).toEqual([]);
    expect(v.validateQuery('GET', '/api/v4/bills.json', q('ids[]=1&ids[]=2&overdue_only=true'))).toEqual([]);
  });

  it('refuses undeclared parameters and values of the wrong type or outside the enum', () => {
    expect(v.validateQuery('GET', '/api/v4/allocations.json', q('parent_type=Payment'))).toEqual(['query parent_type=Payment: / must be integer']);
    expect(v.validateQuery('GET', '/api/v4/line_items.json', q('order=id(asc)'))).toEqual(['GET /line_items.json declares no query parameter order']);
    expect(v.validateQuery('GET', '/api/v4/bills.json', q('order=total(asc)'))[0]).toMatch(/^query order=total\(asc\): \/ must be equal to one of the allowed values/);
    expect(v.validateQuery('GET', '/api/v4/contacts.json', q('offset=200'))).toEqual(['GET /contacts.json declares no query parameter offset']);
  });
});
