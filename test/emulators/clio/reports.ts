import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { round2 } from './bill-totals';
import { findRow, listHandler, paths, readData, respond, showHandler, type Collection } from './collection';
import type { ApiEnv, Emulator } from './context';
import { invalid, notFound } from './errors';
import type { Shape } from './fields';
import type { BankTransaction, Report, ReportKind } from './records';
import type { ClioState } from './state';
import { isoSeconds } from './store';

/**
 * Clio's asynchronous reports: POST queues one, GET shows its progress, download answers 303 to
 * the file. Only the kinds the trust reconciliation needs exist, in JSON. The JSON layout is the
 * emulator's own: Clio does not document it (UNCONFIRMED).
 */

const KINDS: Record<ReportKind, { name: string; category: Report['category'] }> = {
  client_ledger: { name: 'Client Ledger', category: 'client' },
  trust_listing: { name: 'Trust Listing', category: 'client' },
  bank_account_activity: { name: 'Bank Account Activity', category: 'financial' },
};

type ReportState = 'queued' | 'in_progress' | 'completed' | 'empty';

function progressOf(state: ClioState, report: Report): { state: ReportState; progress: number } {
  const now = state.clock.now().getTime();
  const created = Date.parse(report.created_at);
  const ready = Date.parse(report.ready_at);
  if (now >= ready) return { state: buildReport(state, report).rows === 0 ? 'empty' : 'completed', progress: 100 };
  if (now < created + (ready - created) / 2) return { state: 'queued', progress: 0 };
  return { state: 'in_progress', progress: 50 };
}

export const reportShape: Shape<Report> = {
  name: 'report',
  scalars: ['id', 'etag', 'created_at', 'updated_at', 'name', 'state', 'kind', 'format', 'progress', 'category', 'source'],
  relations: {},
  view: (r, s) => {
    const { user_id: _u, start_date: _s, end_date: _e, client_id: _c, matter_id: _m, ready_at: _r, download_key: _k, ...rest } = r;
    return { ...rest, ...progressOf(s, r) };
  },
};

const reports: Collection<Report> = {
  shape: reportShape,
  table: (s) => s.reports,
  defaultOrder: null,
  scope: (r, userId) => r.user_id === userId,
  filters: { kind: (r, v) => r.kind === v },
};

interface ReportInput {
  kind?: string;
  format?: string;
  start_date?: string;
  end_date?: string;
  client?: { id: number };
  matter?: { id: number };
}

export function reportRoutes(emu: Emulator): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  api.on('GET', paths('/reports'), listHandler(emu, reports));
  api.get('/reports/:id', showHandler(emu, reports));
  api.on('POST', paths('/reports'), async (c) => {
    const input = await readData<ReportInput>(c);
    if (!input.kind || !(input.kind in KINDS)) {
      throw invalid(`The emulator produces only ${Object.keys(KINDS).join(', ')} reports`);
    }
    if (input.format !== 'json') throw invalid('The emulator produces only json reports');
    const kind = input.kind as ReportKind;
    const state = emu.state;
    if (input.client && !state.contacts.get(input.client.id)) throw invalid('Client must exist');
    if (input.matter && !state.matters.get(input.matter.id)) throw invalid('Matter must exist');
    const delay = emu.options.reportDelayMs / emu.options.timeScale;
    const report = state.reports.insert({
      user_id: c.get('userId'),
      kind,
      format: 'json',
      source: 'reports',
      ...KINDS[kind],
      start_date: input.start_date ?? null,
      end_date: input.end_date ?? null,
      client_id: input.client?.id ?? null,
      matter_id: input.matter?.id ?? null,
      ready_at: isoSeconds(new Date(state.clock.now().getTime() + delay)),
      download_key: randomBytes(16).toString('hex'),
    });
    return respond(emu, c, reportShape, report, 201);
  });
  api.on('GET', ['/reports/:id/download', '/reports/:id/download.json'], (c) => download(emu, c));
  return api;
}

function download(emu: Emulator, c: Context<ApiEnv>) {
  const report = findRow(emu, reports, c);
  const { state } = progressOf(emu.state, report);
  if (state !== 'completed' && state !== 'empty') throw notFound('report output (the report is not ready)');
  return c.redirect(`${emu.options.baseUrl}/_emulator/report_files/${report.id}?key=${report.download_key}`, 303);
}

/** The file behind a download link; the key in the link stands in for Clio's signed URL. */
export function reportFile(state: ClioState, id: number, key: string | undefined): object | undefined {
  const report = state.reports.get(id);
  if (!report || report.download_key !== key) return undefined;
  return buildReport(state, report).content;
}

interface Ledger {
  opening_balance: number;
  transactions: Record<string, unknown>[];
  closing_balance: number;
}

function buildReport(state: ClioState, report: Report): { rows: number; content: object } {
  const inRange = (t: BankTransaction) => (report.start_date === null || t.date >= report.start_date) && (report.end_date === null || t.date <= report.end_date);
  const before = (t: BankTransaction) => report.start_date !== null && t.date < report.start_date;
  const selected = state.bankTransactions
    .all()
    .filter((t) => (report.client_id === null || t.client_id === report.client_id) && (report.matter_id === null || t.matter_id === report.matter_id))
    .sort((a, b) => (a.date === b.date ? a.id - b.id : a.date < b.date ? -1 : 1));
  const clientRef = (id: number | null) => (id === null ? null : { id, name: state.contacts.get(id)?.name ?? null });
  const matterRef = (id: number | null) => (id === null ? null : { id, display_number: state.matters.get(id)?.display_number ?? null });
  const accountRef = (id: number) => {
    const account = state.bankAccounts.require(id);
    return { id, name: account.name, type: account.type };
  };
  const ledger = (txs: BankTransaction[]): Ledger => {
    let balance = round2(txs.filter(before).reduce((sum, t) => sum + t.funds_in - t.funds_out, 0));
    const opening = balance;
    const transactions = txs.filter(inRange).map((t) => {
      balance = round2(balance + t.funds_in - t.funds_out);
      return {
        id: t.id,
        date: t.date,
        source: t.source,
        client: clientRef(t.client_id),
        matter: matterRef(t.matter_id),
        description: t.description,
        funds_in: t.funds_in,
        funds_out: t.funds_out,
        balance,
      };
    });
    return { opening_balance: opening, transactions, closing_balance: balance };
  };
  const header = { kind: report.kind, start_date: report.start_date, end_date: report.end_date, currency: state.currency.code };
  const accounts = state.bankAccounts.all();

  switch (report.kind) {
    case 'bank_account_activity': {
      const sections = accounts.map((a) => ({ bank_account: accountRef(a.id), ...ledger(selected.filter((t) => t.bank_account_id === a.id)) }));
      return { rows: sections.reduce((n, s) => n + s.transactions.length, 0), content: { ...header, accounts: sections } };
    }
    case 'client_ledger': {
      const clientIds = [...new Set(selected.map((t) => t.client_id).filter((id): id is number => id !== null))];
      const clients = clientIds.map((clientId) => ({
        client: clientRef(clientId),
        accounts: accounts
          .map((a) => ({ bank_account: accountRef(a.id), ...ledger(selected.filter((t) => t.client_id === clientId && t.bank_account_id === a.id)) }))
          .filter((l) => l.transactions.length > 0 || l.opening_balance !== 0),
      }));
      return { rows: clients.reduce((n, c) => n + c.accounts.length, 0), content: { ...header, clients } };
    }
    case 'trust_listing': {
      const asOf = (t: BankTransaction) => report.end_date === null || t.date <= report.end_date;
      const trustAccounts = accounts
        .filter((a) => a.type === 'Trust')
        .map((a) => {
          const groups = new Map<string, BankTransaction[]>();
          for (const t of selected.filter((t) => t.bank_account_id === a.id && asOf(t))) {
            const key = `${t.client_id}:${t.matter_id}`;
            groups.set(key, [...(groups.get(key) ?? []), t]);
          }
          const balances = [...groups.values()].map((txs) => ({
            client: clientRef(txs[0]?.client_id ?? null),
            matter: matterRef(txs[0]?.matter_id ?? null),
            last_activity_date: txs[txs.length - 1]?.date ?? null,
            balance: round2(txs.reduce((sum, t) => sum + t.funds_in - t.funds_out, 0)),
          }));
          return { bank_account: accountRef(a.id), balances, total: round2(balances.reduce((sum, b) => sum + b.balance, 0)) };
        });
      return { rows: trustAccounts.reduce((n, a) => n + a.balances.length, 0), content: { ...header, as_of: report.end_date, accounts: trustAccounts } };
    }
  }
}
