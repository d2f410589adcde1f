// Response shapes exactly as Xero sends them: the envelope around collections, the
// ValidationException for rejected writes, and the problem-detail bodies of 401/403/404.
import type { Context } from 'hono';
import { msDate } from './dates';
import type { Json, JsonObject } from './store';

export interface ResponseContext {
  newId(): string;
  now(): number;
}

export function envelope(ctx: ResponseContext, key: string, items: Json[], extra: JsonObject = {}): JsonObject {
  return {
    Id: ctx.newId(),
    Status: 'OK',
    ProviderName: 'Clio Xero Sync (emulated)',
    DateTimeUTC: msDate(ctx.now()),
    ...extra,
    [key]: items,
  };
}

export const validationErrors = (messages: string[]): JsonObject[] => messages.map((Message) => ({ Message }));

/** The summarised 400: only the failed elements, each with its ValidationErrors. */
export const validationException = (elements: JsonObject[]): JsonObject => ({
  ErrorNumber: 10,
  Type: 'ValidationException',
  Message: 'A validation exception occurred',
  Elements: elements,
});

/** Xero's identity layer answers auth failures with an RFC 7807-style body. */
export function problem(c: Context, status: 401 | 403 | 400, title: string, detail: string): Response {
  return c.json({ Type: null, Title: title, Status: status, Detail: detail, Instance: crypto.randomUUID(), Extensions: {} }, status);
}

/** Unknown ids give a 404 with a plain-text body, not JSON. */
export const notFound = (c: Context): Response => c.text("The resource you're looking for cannot be found", 404);

export function badRequest(c: Context, message: string): Response {
  return c.json(validationException([{ ValidationErrors: validationErrors([message]) }]), 400);
}
