import { type Account, AccountingApi, type Authentication, type Contact, type Organisation, type TaxRate, type TrackingCategory } from 'xero-node';
import type { Connection } from '../db/schema';
import { markNeedsReconnect } from '../connections/repository';
import { findXeroConnection } from './connections-repository';
import { fromXeroNodeRejection, readRateLimitHeaders, XeroApiError, XeroNotConnectedError } from './errors';
import { PacerRegistry } from './pacing';
import { type AccessToken, accessTokenFor, RECONNECT_REASON, type XeroTokenDeps } from './tokens';
import { countedCall } from '../metrics/registry';

export interface XeroClientDeps extends XeroTokenDeps {
  /** Defaults to one registry for the whole process: Xero's limits are per organisation, not per caller. */
  xeroPacers?: PacerRegistry;
}

/** One registry per process (per window length): Xero's limits are per organisation, not per caller. */
const processPacers = new Map<number, PacerRegistry>();
function processPacersFor(windowMs: number): PacerRegistry {
  let registry = processPacers.get(windowMs);
  if (!registry) processPacers.set(windowMs, (registry = new PacerRegistry({ windowMs })));
  return registry;
}

type XeroNodeCall<T> = (api: AccountingApi, tenantId: string) => Promise<{ response: { headers?: unknown }; body: T }>;
/** axios request options as xero-node hands them to its authentication hook (axios is its dependency, not ours). */
type RequestOptions = Parameters<Authentication['applyToRequest']>[0];

export interface ContactQuery {
  ids?: string[];
  modifiedSince?: Date;
  where?: string;
  page?: number;
  pageSize?: number;
  includeArchived?: boolean;
  summaryOnly?: boolean;
  searchTerm?: string;
}

/**
 * One firm's Xero organisation. Every call builds its own AccountingApi with this connection's
 * token, so a token can never be sent with another firm's tenant id; calls are paced per
 * organisation, time out, ask for JSON, and fail with XeroApiError.
 */
export class XeroOrgClient {
  readonly firmId: string;
  readonly tenantId: string;
  readonly tenantName: string;
  readonly connectionId: string;
  /** The organisation's enabled currencies as last read (on connect, at the daily check or by a bill that missed). */
  enabledCurrencies: string[] | null;

  constructor(
    private readonly deps: XeroClientDeps,
    private readonly connection: Connection & { xero_tenant_id: string },
  ) {
    this.firmId = connection.firm_id;
    this.tenantId = connection.xero_tenant_id;
    this.tenantName = connection.tenant_name ?? '';
    this.connectionId = connection.id;
    this.enabledCurrencies = connection.xero_currencies;
  }

  async getOrganisation(): Promise<Organisation> {
    const body = await this.read((api, t) => api.getOrganisations(t));
    const org = body.organisations?.[0];
    if (!org) throw new XeroApiError({ kind: 'not_found', status: 200, message: 'Xero returned no organisation.' });
    return org;
  }

  async getAccounts(opts: { where?: string; order?: string } = {}): Promise<Account[]> {
    return (await this.read((api, t) => api.getAccounts(t, undefined, opts.where, opts.order))).accounts ?? [];
  }

  async getCurrencyCodes(): Promise<string[]> {
    return ((await this.read((api, t) => api.getCurrencies(t))).currencies ?? []).flatMap((c) => (c.code ? [String(c.code)] : []));
  }

  async getTaxRates(): Promise<TaxRate[]> {
    return (await this.read((api, t) => api.getTaxRates(t))).taxRates ?? [];
  }

  async getTrackingCategories(): Promise<TrackingCategory[]> {
    return (await this.read((api, t) => api.getTrackingCategories(t))).trackingCategories ?? [];
  }

  async getContacts(q: ContactQuery = {}): Promise<Contact[]> {
    const body = await this.read((api, t) =>
      api.getContacts(t, q.modifiedSince, q.where, undefined, q.ids, q.page, q.includeArchived, q.summaryOnly, q.searchTerm, q.pageSize),
    );
    return body.contacts ?? [];
  }

  /** Any other read: `client.read((api, tenantId) => api.getInvoices(tenantId, ...))`. */
  read<T>(call: XeroNodeCall<T>): Promise<T> {
    return this.send(call);
  }

  /**
   * Any write. The key goes out as Idempotency-Key (pass it to the xero-node method's
   * `idempotencyKey` parameter as well; this sets the header either way). Xero remembers keys
   * for 6 minutes only, so it guards retries, not re-runs.
   */
  write<T>(idempotencyKey: string, call: (api: AccountingApi, tenantId: string, idempotencyKey: string) => ReturnType<XeroNodeCall<T>>): Promise<T> {
    if (!idempotencyKey || idempotencyKey.length > 128) throw new Error('an Idempotency-Key of 1–128 characters is required for every Xero write');
    return this.send((api, t) => call(api, t, idempotencyKey), idempotencyKey);
  }

  private async send<T>(call: XeroNodeCall<T>, idempotencyKey?: string): Promise<T> {
    const pacer = (this.deps.xeroPacers ?? processPacersFor(this.deps.config.xero.rateWindowMs)).forTenant(this.tenantId);
    let token = await accessTokenFor(this.deps, this.connection);
    for (let attempt = 0; ; attempt++) {
      try {
        return await pacer.run(async () => {
          const api = this.api(token, idempotencyKey);
          const result = await countedCall(
            'xero',
            call(api, this.tenantId).catch((err: unknown) => {
              throw fromXeroNodeRejection(err, this.deps.config.xero.timeoutMs);
            }),
          );
          pacer.observe(readRateLimitHeaders(result.response?.headers));
          return result.body;
        });
      } catch (err) {
        if (!(err instanceof XeroApiError)) throw err;
        // A token that expired early (clock skew) or a 401 for any other reason: rotate once and
        // try again. Only a 401 that survives a fresh token means Xero has let go of the connection.
        if ((err.kind === 'token_expired' || (err.kind === 'auth_revoked' && err.status === 401)) && attempt === 0) {
          token = await accessTokenFor(this.deps, await this.reload(), token);
          continue;
        }
        // A 403 naming the connection gone is Xero's own statement that the tenant was disconnected: believed at once.
        if (err.kind === 'auth_revoked' || err.kind === 'token_expired') await this.noticeRevoked();
        throw err;
      }
    }
  }

  private api(token: AccessToken, idempotencyKey: string | undefined): AccountingApi {
    const { timeoutMs } = this.deps.config.xero;
    const api = new AccountingApi(`${this.deps.config.xero.apiUrl}/api.xro/2.0`);
    api.accessToken = token.token;
    // xero-node has no per-call timeout or header hook; its "default authentication" runs on
    // every request's axios options, which is where both can be set without touching global axios.
    api.setDefaultAuthentication({
      applyToRequest(options: RequestOptions) {
        options.timeout = timeoutMs;
        options.signal = AbortSignal.timeout(timeoutMs);
        options.headers = { ...options.headers, Accept: 'application/json' };
        if (idempotencyKey) options.headers['Idempotency-Key'] = idempotencyKey;
      },
    });
    return api;
  }

  private async reload(): Promise<Connection> {
    const row = await findXeroConnection(this.deps.db, this.firmId);
    if (!row) throw new XeroNotConnectedError(this.firmId, 'not_connected');
    return row;
  }

  private async noticeRevoked(): Promise<void> {
    await markNeedsReconnect(this.deps.db, this.connection.id, RECONNECT_REASON);
    this.deps.logger.warn({ firmId: this.firmId }, 'xero refused the connection; marked needs_reconnect');
  }
}

/**
 * The firm's confirmed Xero organisation, ready to call. Throws XeroNotConnectedError when
 * there is none (never connected, disconnected, waiting for the organisation choice, or
 * needing a reconnect): a sync job should then finish without calling Xero.
 */
export async function openXeroForFirm(deps: XeroClientDeps, firmId: string): Promise<XeroOrgClient> {
  const row = await findXeroConnection(deps.db, firmId);
  if (!row || row.status === 'disconnected' || !row.refresh_token_enc) throw new XeroNotConnectedError(firmId, 'not_connected');
  if (row.status === 'needs_reconnect') throw new XeroNotConnectedError(firmId, 'needs_reconnect', row.status_reason ?? RECONNECT_REASON);
  if (!row.xero_tenant_id) throw new XeroNotConnectedError(firmId, 'pending_choice', 'Choose which Xero organisation to sync with.');
  return new XeroOrgClient(deps, { ...row, xero_tenant_id: row.xero_tenant_id });
}
