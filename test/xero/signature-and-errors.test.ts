import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromXeroNodeRejection } from '../../server/xero/errors';
import { isValidXeroSignature } from '../../server/xero/webhook-signature';

describe('isValidXeroSignature', () => {
  const key = 'sandbox-webhook-key';
  const body = Buffer.from('{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"X"}');
  const good = createHmac('sha256', key).update(body).digest('base64');

  it('accepts the base64 HMAC-SHA256 of the raw bytes', () => {
    expect(isValidXeroSignature(body, good, key)).toBe(true);
  });
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['hex instead of base64', createHmac('sha256', key).update(body).digest('hex')],
    ['truncated', good.slice(0, 20)],
  ])('refuses a %s signature', (_l, sig) => {
    expect(isValidXeroSignature(body, sig, key)).toBe(false);
  });
  it('refuses when the body changed by one byte or the key is unset', () => {
    expect(isValidXeroSignature(Buffer.concat([body, Buffer.from(' ')]), good, key)).toBe(false);
    expect(isValidXeroSignature(body, good, '')).toBe(false);
  });
  it('refuses everything when the key is empty, even a signature made with the empty key', () => {
    // HMAC accepts an empty key, so anyone could sign with it: an unset XERO_WEBHOOK_KEY must not.
    const signedWithEmptyKey = createHmac('sha256', '').update(body).digest('base64');
    expect(isValidXeroSignature(body, signedWithEmptyKey, '')).toBe(false);
  });
});

describe('fromXeroNodeRejection', () => {
  // The shape xero-node 20 rejects with: JSON.stringify(new ApiError(axiosError).generateError()).
  const rejection = (statusCode: number, body: unknown, headers: Record<string, string> = {}) =>
    JSON.stringify({ response: { statusCode, body, headers, request: { headers: {} } }, body });

  it('collects Xero validation messages from Elements[].ValidationErrors[]', () => {
    const err = fromXeroNodeRejection(
      rejection(400, {
        ErrorNumber: 10,
        Type: 'ValidationException',
        Message: 'A validation exception occurred',
        Elements: [{ ValidationErrors: [{ Message: 'Account code 999 is not a valid code.' }, { Message: 'Invoice # must be unique.' }] }],
      }),
      1000,
    );
    expect(err).toMatchObject({ kind: 'validation', status: 400, validationMessages: ['Account code 999 is not a valid code.', 'Invoice # must be unique.'] });
    expect(err.message).toContain('Invoice # must be unique.');
  });

  it('reads 429 rate-limit headers', () => {
    const err = fromXeroNodeRejection(
      rejection(429, 'oauth_problem=rate limit exceeded', {
        'retry-after': '37',
        'x-rate-limit-problem': 'day',
        'x-daylimit-remaining': '0',
        'x-minlimit-remaining': '12',
      }),
      1000,
    );
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 37, rateLimit: { problem: 'day', dayRemaining: 0, minuteRemaining: 12 } });
  });

  it.each([
    [401, { Title: 'Unauthorized', Detail: 'AuthenticationUnsuccessful' }, 'auth_revoked'],
    [401, { Title: 'Unauthorized', Detail: 'TokenExpired: token expired' }, 'token_expired'],
    [401, 'oauth_problem=token_expired&oauth_problem_advice=The%20access%20token%20has%20expired', 'token_expired'],
    [401, 'oauth_problem=token_rejected&oauth_problem_advice=Token%20does%20not%20match%20an%20expected%20REQUEST%20token', 'auth_revoked'],
    [403, { Detail: 'AuthenticationUnsuccessful' }, 'auth_revoked'],
    [403, { Title: 'Forbidden', Status: 403, Detail: 'AuthenticationUnsuccessful' }, 'auth_revoked'],
    [403, { Title: 'Forbidden', Detail: 'You are not permitted to access this resource' }, 'forbidden'],
    [403, { Type: 'InsufficientScope', Title: 'Forbidden', Detail: 'The access token does not have the required scope' }, 'forbidden'],
    [403, 'Forbidden', 'forbidden'],
    [404, "The resource you're looking for cannot be found", 'not_found'],
    [503, 'The Xero API is currently offline for maintenance', 'server'],
    [504, 'Gateway Timeout', 'timeout'],
  ])('classifies %i as the right kind', (status, body, kind) => {
    expect(fromXeroNodeRejection(rejection(status, body), 1000).kind).toBe(kind);
  });

  it('reads the form-encoded 401 as Xero’s words, not the raw body', () => {
    const err = fromXeroNodeRejection(rejection(401, 'oauth_problem=token_expired&oauth_problem_advice=The%20access%20token%20has%20expired'), 1000);
    expect(err.validationMessages).toEqual(['token_expired: The access token has expired']);
  });

  it('treats an axios timeout (no status) as a timeout and anything unknown as other', () => {
    expect(fromXeroNodeRejection(rejection(0, 'timeout of 1000ms exceeded'), 1000).kind).toBe('timeout');
    expect(fromXeroNodeRejection(new Error('socket hang up'), 1000)).toMatchObject({ kind: 'other', status: 0 });
  });
});
