import { createHmac, timingSafeEqual } from 'node:crypto';

/** Clio signs each delivery: lowercase hex HMAC-SHA256 of the raw body, keyed with the webhook's secret. */
export function signClioWebhook(secret: string, rawBody: Uint8Array | string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

export function verifyClioWebhook(secret: string, rawBody: Uint8Array | string, signature: string | undefined): boolean {
  if (!signature || !/^[0-9a-f]{64}$/.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signClioWebhook(secret, rawBody), 'hex'), Buffer.from(signature, 'hex'));
}
