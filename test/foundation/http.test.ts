import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { createSessionIssuer, deriveSessionKey } from '../../server/auth/session';
import { createSecretBox } from '../../server/crypto/secrets';
import { createApp } from '../../server/http/app';
import type { ReadinessReport } from '../../server/http/env';
import type { Database } from '../../server/db/database';
import { capturedLogger } from '../support/logs';

function app(readiness: ReadinessReport = { ready: true, checks: { database: { ok: true } } }) {
  const { logger, lines } = capturedLogger('info');
  const config = loadConfig({ BODY_LIMIT_BYTES: '64' });
  // The health routes never touch the database; readiness is injected.
  const a = createApp({
    config,
    db: {} as Database,
    logger,
    secrets: createSecretBox(Buffer.alloc(32, 3)),
    sessions: createSessionIssuer(deriveSessionKey(Buffer.alloc(32, 3)), 900),
    jobs: { addJob: async () => expect.unreachable() },
    engine: { preview: async () => expect.unreachable(), resolveConflict: async () => expect.unreachable() },
    readiness: async () => readiness,
  });
  a.post('/echo', async (c) => c.json(await c.req.json()));
  a.get('/boom', () => {
    throw new Error('internal detail: password=hunter2');
  });
  return { a, lines };
}

function expectErrorShape(body: unknown, code: string) {
  expect(body).toEqual({ error: { code, message: expect.any(String), requestId: expect.stringMatching(/.+/) } });
}

describe('HTTP foundation', () => {
  it('GET /healthz answers while the process is up', async () => {
    const res = await app().a.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 when every check passes', async () => {
    const res = await app().a.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready' });
  });

  it('GET /readyz is 503 with the reason when a check fails', async () => {
    const res = await app({
      ready: false,
      checks: { database: { ok: true }, jobs: { ok: false, reason: 'job runner is not running' } },
    }).a.request('/readyz');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.error.message).toContain('jobs: job runner is not running');
  });

  it('unknown routes get the error envelope with the request id from the response header', async () => {
    const res = await app().a.request('/nowhere');
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { requestId: string } };
    expectErrorShape(body, 'NOT_FOUND');
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('a body over the limit is 413 in the same shape', async () => {
    const res = await app().a.request('/echo', {
      method: 'POST',
      body: JSON.stringify({ pad: 'x'.repeat(200) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expectErrorShape(await res.json(), 'PAYLOAD_TOO_LARGE');
  });

  it('an unexpected error is 500 without internals, and is logged', async () => {
    const { a, lines } = app();
    const res = await a.request('/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expectErrorShape(JSON.parse(text), 'INTERNAL_SERVER_ERROR');
    expect(lines.some((l) => l.includes('unhandled error'))).toBe(true);
  });

  it('logs one JSON line per request with its request id and no query string', async () => {
    const { a, lines } = app();
    const res = await a.request('/healthz?code=oauth-code-123');
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request');
    expect(line).toMatchObject({ method: 'GET', path: '/healthz', status: 200, requestId: res.headers.get('x-request-id') });
    expect(lines.join('\n')).not.toContain('oauth-code-123');
  });

  it('sets the usual security headers', async () => {
    const res = await app().a.request('/healthz');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });
});
