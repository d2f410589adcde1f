import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ClioApiError, ClioAuthError, ClioNotConnectedError } from '../../server/clio/errors';
import { handleError } from '../../server/http/errors';
import { createLogger } from '../../server/log';
import { SettingsInvalidError } from '../../server/settings/service';
import { XeroChartUnavailableError } from '../../server/settings/xero-chart';
import { XeroApiError, XeroNotConnectedError, XeroTenantTakenError } from '../../server/xero/errors';

async function answerTo(err: Error) {
  const app = new Hono();
  app.onError((e, c) => handleError(e, c, createLogger('silent')));
  app.get('/', () => {
    throw err;
  });
  const res = await app.request('/');
  return { status: res.status, error: ((await res.json()) as { error: { code: string; message: string; details?: unknown } }).error };
}

const firmId = '0b1c5a8e-0000-4000-8000-000000000001';

describe('domain errors reach the client through one table (server/http/errors.ts)', () => {
  it.each([
    [new ClioNotConnectedError('gone'), 409, 'CONFLICT', 'Sign in with Clio again to load your Clio lists.'],
    [new ClioApiError(500, 'server', 'boom'), 502, 'BAD_GATEWAY', 'Clio did not answer as expected: boom'],
    [new ClioAuthError(401, 'invalid_token', 'expired'), 502, 'BAD_GATEWAY', 'Clio did not answer as expected: expired'],
    [new XeroNotConnectedError(firmId, 'needs_reconnect', 'Reconnect Xero.'), 409, 'CONFLICT', 'Reconnect Xero.'],
    [new XeroTenantTakenError('t-1'), 409, 'CONFLICT', new XeroTenantTakenError('t-1').message],
    [
      new XeroChartUnavailableError(new XeroApiError({ kind: 'rate_limited', status: 429, message: 'slow', retryAfterSeconds: 7 })),
      429,
      'TOO_MANY_REQUESTS',
      'Xero asked us to slow down. Try again in 7 seconds.',
    ],
    [
      new XeroChartUnavailableError(new XeroApiError({ kind: 'server', status: 503, message: 'Xero had a problem answering.' })),
      502,
      'BAD_GATEWAY',
      'Xero could not give us your chart of accounts: Xero had a problem answering.',
    ],
  ] as const)('%s → %i %s', async (err, status, code, message) => {
    expect(await answerTo(err)).toEqual({ status, error: expect.objectContaining({ code, message }) });
  });

  it('invalid settings answer 422 with the field errors as details', async () => {
    const { status, error } = await answerTo(new SettingsInvalidError({ billDateFrom: 'Enter a date as YYYY-MM-DD.' }));
    expect(status).toBe(422);
    expect(error).toMatchObject({
      code: 'UNPROCESSABLE_ENTITY',
      message: 'Some settings need attention before they can be saved.',
      details: { fieldErrors: { billDateFrom: 'Enter a date as YYYY-MM-DD.' } },
    });
  });

  it('anything else is a 500 that keeps its message to the log', async () => {
    expect(await answerTo(new XeroApiError({ kind: 'other', status: 0, message: 'secret internals' }))).toEqual({
      status: 500,
      error: expect.objectContaining({ code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong on our side. It has been logged.' }),
    });
  });
});
