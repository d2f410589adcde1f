// Test harness: an emulator on a manual clock with a connected token, and a `call` helper that
// checks every accepted request body and every JSON response against Xero's published schemas.
import { expectValid, loadOpenApi, OPENAPI_FILES } from '../../support/openapi';
import { createManualClock, createXeroEmulator, SEED_TENANTS, type XeroEmulatorOptions } from './index';
import type { Json, JsonObject } from './store';

export const accountingSpec = () => loadOpenApi(OPENAPI_FILES.xeroAccounting);
export const webhooksSpec = () => loadOpenApi(OPENAPI_FILES.xeroWebhooks);

/** 2026-11-25T09:00:00Z — "today" for every test. */
export const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);

export interface CallResult {
  status: number;
  body: JsonObject;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  tenantId?: string;
  /** Only for calls that deliberately send what the schema forbids. */
  skipRequestValidation?: boolean;
}

export function setup(options: XeroEmulatorOptions = {}) {
  const clock = createManualClock(T0);
  const emulator = createXeroEmulator({ clock, baseUrl: 'http://127.0.0.1:8789', ...options });
  const token = emulator.identity.connect();
  const spec = accountingSpec();

  async function call(method: string, path: string, opts: CallOptions = {}): Promise<CallResult> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token.access_token}`,
      'xero-tenant-id': opts.tenantId ?? SEED_TENANTS.primary.tenantId,
      Accept: 'application/json',
      ...(opts.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...opts.headers,
    };
    const res = await emulator.app.request(`/api.xro/2.0${path}`, {
      method,
      headers,
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
    const text = await res.text();
    let body: JsonObject = {};
    const isJson = res.headers.get('content-type')?.includes('json') ?? false;
    if (isJson) body = JSON.parse(text) as JsonObject;
    if (res.status === 200 && opts.body !== undefined && !opts.skipRequestValidation) {
      expectValid(spec.validateRequest(method, path, opts.body, { headers }), `${method} ${path} request`);
    }
    // The spec documents only 200/204/400 (and not 400 on GETs); other statuses have no schema to check.
    if (isJson && spec.declaresResponse(method, path, res.status)) {
      expectValid(spec.validateResponse(method, path, res.status, body), `${method} ${path} ${res.status} response`);
    }
    return { status: res.status, body, text, headers: res.headers };
  }

  const control = async (method: string, path: string, body?: unknown) => {
    const res = await emulator.app.request(`/_emulator${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };

  return { emulator, clock, token, call, control };
}

export type Harness = ReturnType<typeof setup>;

export const first = (r: CallResult, key: string): JsonObject => {
  const list = r.body[key];
  if (!Array.isArray(list) || list.length === 0) throw new Error(`no ${key} in ${r.text}`);
  return list[0] as JsonObject;
};

export async function contactId(h: Harness, name: string): Promise<string> {
  const r = await h.call('GET', `/Contacts?where=${encodeURIComponent(`Name=="${name}"`)}`);
  return String(first(r, 'Contacts').ContactID);
}

export function invoiceInput(contactID: string, extra: JsonObject = {}): JsonObject {
  return {
    Type: 'ACCREC',
    Contact: { ContactID: contactID },
    Date: '2026-11-20',
    DueDate: '2026-12-20',
    Status: 'AUTHORISED',
    LineItems: [
      { Description: 'Professional fees', Quantity: 2, UnitAmount: 250, AccountCode: '200', TaxType: 'OUTPUT' },
      { Description: 'Search fee', Quantity: 1, UnitAmount: 55.5, AccountCode: '210', TaxType: 'OUTPUT' },
    ],
    ...extra,
  };
}

export async function createInvoice(h: Harness, contactID: string, extra: JsonObject = {}): Promise<JsonObject> {
  const r = await h.call('PUT', '/Invoices?unitdp=4', { body: { Invoices: [invoiceInput(contactID, extra)] } });
  if (r.status !== 200) throw new Error(r.text);
  return first(r, 'Invoices');
}
