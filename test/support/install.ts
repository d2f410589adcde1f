import { manual } from '../clio/harness';
import { apiClient, sessionTokenFrom } from './stack';

/**
 * What an admin does on a server reached only over HTTP (a separate process): install from Clio,
 * connect Xero (the start link submitted with the session, as the page does), choose the
 * organisation. Returns the session and an API client for it.
 */
export async function installAndConnect(baseUrl: string, tenantId: string) {
  let res = await manual(`${baseUrl}/oauth/clio/start?region=us`);
  res = await manual(res.headers.get('location')!);
  res = await manual(res.headers.get('location')!);
  const token = sessionTokenFrom(res.headers.get('location')!);
  const call = apiClient(baseUrl, token);
  const started = await call('POST', '/api/xero/connect');
  const start = await manual(started.body.authorizeUrl, { method: 'POST', body: new URLSearchParams({ token }) });
  const authorize = await manual(start.headers.get('location')!);
  await manual(authorize.headers.get('location')!);
  const chosen = await call('POST', '/api/xero/organisation', { tenantId });
  if (chosen.status !== 200) throw new Error(`organisation refused: ${JSON.stringify(chosen.body)}`);
  return { token, call };
}
