// Xero's batch semantics for PUT/POST collections. With summarizeErrors=false every element comes
// back (200) tagged OK/ERROR; otherwise any failure turns the whole call into a 400
// ValidationException listing only the failed elements — though the good ones were still saved.
import type { Context } from 'hono';
import type { EmulatorContext } from './context';
import { newId } from './context';
import { ZERO_UUID } from './random';
import { envelope, validationErrors, validationException } from './responses';
import type { JsonObject } from './store';

export type ElementResult = { ok: true; body: JsonObject } | { ok: false; body: JsonObject; errors: string[] };

export interface BatchShape {
  /** Collection key, e.g. "Invoices". */
  key: string;
  /** Id field zeroed on failed elements, e.g. "InvoiceID". */
  idField: string;
  /** Invoices/credit notes say HasErrors; contacts/payments say HasValidationErrors. */
  errorFlag: 'HasErrors' | 'HasValidationErrors';
}

// Spec disagrees: the summarizeErrors parameter declares `default: false`; the real API summarises
// unless told otherwise (xero-api.md §3). We follow the service.
export const summarizeErrors = (c: Context): boolean => c.req.query('summarizeErrors')?.toLowerCase() !== 'false';

export function failed(input: JsonObject, shape: BatchShape, errors: string[], id = ZERO_UUID): ElementResult {
  return { ok: false, body: { ...input, [shape.idField]: id }, errors };
}

export function respondBatch(c: Context, ctx: EmulatorContext, shape: BatchShape, results: ElementResult[]): Response {
  const tagged = results.map((r) =>
    r.ok
      ? { ...r.body, StatusAttributeString: 'OK', [shape.errorFlag]: false }
      : { ...r.body, StatusAttributeString: 'ERROR', [shape.errorFlag]: true, ValidationErrors: validationErrors(r.errors) },
  );
  if (summarizeErrors(c) && results.some((r) => !r.ok)) {
    return c.json(validationException(tagged.filter((_, i) => !results[i]?.ok)), 400);
  }
  return c.json(envelope({ newId: () => newId(ctx), now: () => ctx.clock.now() }, shape.key, tagged));
}

/** Reads `{ Key: [...] }` (or a single bare element, which Xero also accepts). */
export async function readElements(c: Context, key: string): Promise<JsonObject[] | string> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return 'The request body could not be read as JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'The request body must be a JSON object';
  const list = (body as JsonObject)[key];
  if (list === undefined) return [body as JsonObject];
  if (!Array.isArray(list) || list.some((e) => typeof e !== 'object' || e === null || Array.isArray(e))) return `${key} must be an array of objects`;
  return list as JsonObject[];
}
