import { Hono } from 'hono';
import { requireSession } from '../session';
import { accountPickers, activeTaxRates } from '../../settings/chart';
import type { LoadXeroChart } from '../../settings/service';
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
