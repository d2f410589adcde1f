import type { ClioClient } from '../clio/client';
import { BILL_FIELDS, CONTACT_FIELDS, LINE_FIELDS } from './clio-reader';
import type { ClioBill, ClioContact, ClioLineItem } from './mapping/clio-records';

/**
 * The engine's writes to Clio (the Xero → Clio direction). Always with If-Match: Clio answers 412
 * when the record changed since it was read, and the caller re-reads and merges instead of
 * overwriting. Clio answers with the record as written, in the same fields as a read, so what is
 * stored as "ours" is what Clio now holds.
 */

const withEtag = (fields: string, etag: string | undefined) => ({ fields, ...(etag ? { ifMatch: etag } : {}) });

export const patchContact = (clio: ClioClient, id: number, data: unknown, etag: string | undefined) =>
  clio.patch<ClioContact>(`/contacts/${id}.json`, data, withEtag(CONTACT_FIELDS, etag));

export const patchBill = (clio: ClioClient, id: number, data: unknown, etag: string | undefined) =>
  clio.patch<ClioBill>(`/bills/${id}.json`, data, withEtag(BILL_FIELDS, etag));

export const patchLineItem = (clio: ClioClient, id: number, data: unknown, etag: string | undefined) =>
  clio.patch<ClioLineItem>(`/line_items/${id}.json`, data, withEtag(LINE_FIELDS, etag));
