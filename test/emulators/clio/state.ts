import type { Clock } from './clock';
import type * as R from './records';
import { IdCounter, Table, type Row } from './store';

export type Region = 'US' | 'CA' | 'EU' | 'AU';

export const REGION_HOSTS: Record<Region, string> = {
  US: 'app.clio.com',
  CA: 'ca.app.clio.com',
  EU: 'eu.app.clio.com',
  AU: 'au.app.clio.com',
};

const REGION_CURRENCY: Record<Region, { code: string; sign: string }> = {
  US: { code: 'USD', sign: '$' },
  CA: { code: 'CAD', sign: '$' },
  EU: { code: 'EUR', sign: '€' },
  AU: { code: 'AUD', sign: '$' },
};

export type ChangeEvent = 'created' | 'updated' | 'deleted';

export interface Change {
  /** The table name, e.g. `contacts`; webhooks map it to their model. */
  table: string;
  event: ChangeEvent;
  row: Row;
}

/** A record in another currency than the firm's names it by id; none means the firm's own. */
export const currencyOf = (s: { currency: ClioState['currency']; currencies: ClioState['currencies'] }, id: number | null | undefined) =>
  s.currencies.find((c) => c.id === id) ?? s.currency;

/** The firm's data. Replaced wholesale on reset, so nothing may hold on to a table across a reset. */
export class ClioState {
  readonly ids = new IdCounter();
  readonly account: { id: number; name: string };
  readonly currency: { id: number; code: string; sign: string };
  /** Every currency the firm can bill in (Clio's multi-currency billing): its own first. */
  readonly currencies: { id: number; code: string; sign: string }[];
  readonly users: Table<R.User>;
  readonly contacts: Table<R.Contact>;
  readonly matters: Table<R.Matter>;
  readonly activityDescriptions: Table<R.ActivityDescription>;
  readonly expenseCategories: Table<R.ExpenseCategory>;
  readonly activities: Table<R.Activity>;
  readonly bills: Table<R.Bill>;
  readonly lineItems: Table<R.LineItem>;
  readonly creditMemos: Table<R.CreditMemo>;
  readonly interestCharges: Table<R.InterestCharge>;
  readonly payments: Table<R.Payment>;
  readonly allocations: Table<R.Allocation>;
  readonly clioPayments: Table<R.ClioPaymentsPayment>;
  readonly bankAccounts: Table<R.BankAccount>;
  readonly bankTransactions: Table<R.BankTransaction>;
  readonly customActions: Table<R.CustomAction>;
  readonly webhooks: Table<R.Webhook>;
  readonly reports: Table<R.Report>;
  readonly billingSettings: Table<R.BillingSetting>;
  readonly tasks: Table<R.Task>;
  /** Control switch: refuse `state: paid` on a bill PATCH (bills-model.ts markPaid); on unless a test turns it off. */
  refusePaidState = true;
  private readonly listeners: ((change: Change) => void)[] = [];

  constructor(
    readonly clock: Clock,
    readonly region: Region,
  ) {
    const table = <T extends Row>(name: string) => new Table<T>(name, this.ids, clock, (t, event, row) => this.changed(t, event, row));
    this.users = table('users');
    this.contacts = table('contacts');
    this.matters = table('matters');
    this.activityDescriptions = table('activity_descriptions');
    this.expenseCategories = table('expense_categories');
    this.activities = table('activities');
    this.bills = table('bills');
    this.lineItems = table('line_items');
    this.creditMemos = table('credit_memos');
    this.interestCharges = table('interest_charges');
    this.payments = table('payments');
    this.allocations = table('allocations');
    this.clioPayments = table('clio_payments');
    this.bankAccounts = table('bank_accounts');
    this.bankTransactions = table('bank_transactions');
    this.customActions = table('custom_actions');
    this.webhooks = table('webhooks');
    this.reports = table('reports');
    this.billingSettings = table('billing_settings');
    this.tasks = table('tasks');
    this.account = { id: this.ids.next(), name: 'Emulated Law Firm' };
    this.currency = { id: this.ids.next(), ...REGION_CURRENCY[region] };
    this.currencies = [
      this.currency,
      ...Object.values(REGION_CURRENCY)
        .filter((c) => c.code !== this.currency.code)
        // Ids below the record counter's range, so adding currencies shifts no seeded user's or record's id.
        .map((c, i) => ({ id: 100 + i, ...c })),
    ];
    this.billingSettings.insert({
      currency: this.currency.code,
      currency_sign: this.currency.sign,
      tax_name: region === 'US' ? 'Sales Tax' : 'GST',
      tax_rate: region === 'AU' ? 10 : region === 'CA' ? 5 : region === 'EU' ? 20 : 0,
      apply_tax_by_default: region !== 'US',
      use_secondary_tax: false,
      secondary_tax_name: 'Secondary Tax',
      secondary_tax_rate: 0,
      secondary_tax_rule: 'Pre',
      rounding: 6,
      use_decimal_rounding: true,
      allow_editing_approved_bills: true,
    });
  }

  get billing(): R.BillingSetting {
    const [setting] = this.billingSettings.all();
    if (!setting) throw new Error('billing settings missing');
    return setting;
  }

  onChange(listener: (change: Change) => void): void {
    this.listeners.push(listener);
  }

  private changed(table: string, event: ChangeEvent, row: Row): void {
    for (const listener of this.listeners) listener({ table, event, row });
  }
}
