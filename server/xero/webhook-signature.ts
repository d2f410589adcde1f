import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Xero signs the exact bytes it sent: base64(HMAC-SHA256(webhook key, raw body)). Check before
 * parsing, so a re-serialised body can never pass or fail differently.
 */
export function isValidXeroSignature(rawBody: Uint8Array, signature: string | undefined, webhookKey: string): boolean {
  if (!signature || !webhookKey) return false;
  const expected = createHmac('sha256', webhookKey).update(rawBody).digest();
  const given = Buffer.from(signature, 'base64');
  // Compare digests of equal length so the comparison time says nothing about the signature.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
