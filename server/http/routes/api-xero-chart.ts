import { Hono } from 'hono';
import { requireSession } from '../session';
import { accountPickers, activeTaxRates } from '../../settings/chart';
import type { LoadXeroChart } from '../../settings/service';
import { XeroApiError } from '../../xero/errors';
import { ApiError } from '../errors';
import type { AppDeps, AppEnv } from '../env';

/** The organisation's chart of accounts and tax rates, shaped for the settings page's pickers. */
export function xeroChartApiRoutes(deps: AppDeps, loadChart: LoadXeroChart) {
  const app = new Hono<AppEnv>();
  const session = requireSession(deps.sessions);
  const chartOf = async (firmId: string) => {
    const chart = await loadChart(firmId);
    if (!chart) throw new ApiError('CONFLICT', 'Connect to Xero first; accounts and tax rates come from your Xero organisation.');
    return chart;
  };

  app.get('/api/xero/accounts', session, async (c) => {
    const chart = await chartOf(c.get('session').firmId);
    return c.json(accountPickers(chart.accounts));
  });
  app.get('/api/xero/tax-rates', session, async (c) => {
    const chart = await chartOf(c.get('session').firmId);
    return c.json({ taxRates: activeTaxRates(chart.taxRates) });
  });
  return app;
}

/** Xero's own words reach the user (certification X10); a rate limit says when to try again. */
export function reportingXeroFailures(load: LoadXeroChart): LoadXeroChart {
  return async (firmId) => {
    try {
      return await load(firmId);
    } catch (err) {
      if (!(err instanceof XeroApiError)) throw err;
      const said = err.validationMessages.join(' ') || err.message;
      if (err.kind === 'rate_limited') {
        throw new ApiError('TOO_MANY_REQUESTS', `Xero asked us to slow down. Try again in ${err.retryAfterSeconds ?? 60} seconds.`);
      }
      throw new ApiError('BAD_GATEWAY', `Xero could not give us your chart of accounts: ${said}`);
    }
  };
}
