import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());

describe('test stack', () => {
  it('runs our server and both emulators on real ports', async () => {
    expect((await fetch(`${stack.baseUrl}/readyz`)).status).toBe(200);
    const clio = await fetch(`${stack.clio.url}/api/v4/users/who_am_i.json`);
    expect(clio.status).toBe(401);
    const xero = await fetch(`${stack.xero.url}/api.xro/2.0/Organisation`, { headers: { accept: 'application/json' } });
    expect(xero.status).toBe(401);
  });

  it('points the server at the emulators, not at the real services', () => {
    expect(stack.config.sandbox).toBe(false);
    expect(stack.config.clio.us?.baseUrl).toBe(stack.clio.url);
    expect(stack.config.xero.apiUrl).toBe(stack.xero.url);
  });
});
