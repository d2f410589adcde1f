import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure } from '../api';
import { AccountSelect } from '../components/AccountSelect';
import { CATEGORY_SECTION_ID, CategoryOverrides } from '../components/CategoryOverrides';
import { ContactReviews } from '../components/ContactReviews';
import { DANGER_ZONE_TITLE_ID, DangerZone } from '../components/DangerZone';
import { Field, Toggle } from '../components/Field';
import { SectionNav, type PageSection } from '../components/SectionNav';
import { TaxRateSelect } from '../components/TaxRateSelect';
import { XeroConnectionPanel } from '../components/XeroConnectionPanel';
import { formatCount } from '../format';
import { usePageTitle } from '../title';
import type { AccountPickers, ChartTaxRate, ClioBankAccount, ClioCategory, FieldErrors, Me, SyncSettings } from '../../../server/api-contract';

interface XeroLists {
  accounts: AccountPickers;
  taxRates: ChartTaxRate[];
}

/** The save button sits outside the form, in the bar that stays in view, and submits it by id. */
const FORM_ID = 'sync-settings';

const NO_XERO_LISTS: XeroLists = { accounts: { revenue: [], expense: [], bank: [] }, taxRates: [] };

/**
 * The "Bill Syncing → Xero" page: every setting of product.md, saved with "Update sync settings".
 * A long page, so it opens with its sections as links and keeps the save button in view; the
 * disconnect button waits in a danger zone at the end.
 */
export function SettingsPage(props: { me: Me; onConnectionChange: () => Promise<void> }) {
  usePageTitle('Settings');
  const { me } = props;
  const isAdmin = me.user.isAdmin;
  const [draft, setDraft] = useState<SyncSettings | null>(null);
  const [xero, setXero] = useState<XeroLists>(NO_XERO_LISTS);
  const [categories, setCategories] = useState<ClioCategory[] | null>(null);
  const [clioBanks, setClioBanks] = useState<ClioBankAccount[] | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<{ kind: 'saved' | 'failed'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    api<{ settings: SyncSettings }>('GET', '/api/settings').then(
      (r) => setDraft(r.settings),
      (err: Error) => setLoadError(err.message),
    );
    // Clio's lists only fill pickers; without them the rest of the page still works.
    api<{ categories: ClioCategory[] }>('GET', '/api/clio/categories').then(
      (r) => setCategories(r.categories),
      () => setCategories(null),
    );
    api<{ bankAccounts: ClioBankAccount[] }>('GET', '/api/clio/bank-accounts').then(
      (r) => setClioBanks(r.bankAccounts),
      () => setClioBanks(null),
    );
  }, []);

  const xeroActive = me.xero.status === 'active';
  useEffect(() => {
    if (!xeroActive) return setXero(NO_XERO_LISTS);
    Promise.all([api<AccountPickers>('GET', '/api/xero/accounts'), api<{ taxRates: ChartTaxRate[] }>('GET', '/api/xero/tax-rates')]).then(
      ([accounts, rates]) => setXero({ accounts, taxRates: rates.taxRates }),
      (err: Error) => {
        setLoadError(err.message);
        // A failing Xero call is how a disconnect made in Xero shows up: refresh the connection state.
        void props.onConnectionChange();
      },
    );
  }, [xeroActive]);

  // After a refused save, take the user to the first field that needs attention.
  useEffect(() => {
    if (Object.keys(errors).length > 0) document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  if (loadError && !draft) return <p role="alert">{loadError}</p>;
  if (!draft) return <p aria-busy="true">Loading settings…</p>;

  const set = <K extends keyof SyncSettings>(key: K, value: SyncSettings[K]) => {
    setDraft({ ...draft, [key]: value });
    setNotice(null);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setNotice(null);
    try {
      const r = await api<{ settings: SyncSettings }>('PUT', '/api/settings', draft);
      setDraft(r.settings);
      setErrors({});
      setNotice({ kind: 'saved', text: 'Sync settings saved.' });
    } catch (err) {
      const failure = err instanceof ApiFailure ? err : null;
      setErrors(failure?.fieldErrors ?? {});
      setNotice({ kind: 'failed', text: (err as Error).message });
    } finally {
      setSaving(false);
    }
  };

  const account = (
    key:
      | 'timeAccountCode'
      | 'expenseAccountCode'
      | 'interestAccountCode'
      | 'creditNoteAccountCode'
      | 'paymentBankAccountCode'
      | 'hardCostAccountCode'
      | 'hardCostBankAccountCode',
    label: string,
    purpose: keyof AccountPickers,
    hint?: string,
  ) => (
    <Field id={key} label={label} error={errors[key]} hint={hint}>
      {(control) => <AccountSelect {...control} options={xero.accounts[purpose]} value={draft[key]} onChange={(v) => set(key, v)} />}
    </Field>
  );
  const taxRate = (
    key: 'timeTaxType' | 'expenseTaxType' | 'interestTaxType' | 'timeUntaxedTaxType' | 'expenseUntaxedTaxType',
    label: string,
    hint?: string,
    taxRates = xero.taxRates,
  ) => (
    <Field id={key} label={label} error={errors[key]} hint={hint}>
      {(control) => <TaxRateSelect {...control} taxRates={taxRates} value={draft[key]} onChange={(v) => set(key, v)} />}
    </Field>
  );
  // Lines Clio leaves untaxed carry no tax: only the organisation's 0 % rates fit them.
  const zeroRates = xero.taxRates.filter((t) => t.rate === 0);
  const date = (key: 'billDateFrom' | 'billDateTo' | 'hardCostStartDate', label: string) => (
    <Field id={key} label={label} error={errors[key]}>
      {(control) => <input {...control} type="date" value={draft[key] ?? ''} onChange={(e) => set(key, e.currentTarget.value || null)} />}
    </Field>
  );

  const fieldsToFix = Object.keys(errors).filter((k) => k !== 'form').length;
  const sections: PageSection[] = [
    { id: 'xero-connection-title', title: 'Xero connection' },
    ...(isAdmin && xeroActive ? [{ id: 'contact-reviews-title', title: 'Contacts to review' }] : []),
    { id: 'section-bills', title: 'Bills' },
    { id: 'section-accounts', title: 'Accounts' },
    { id: 'section-tax', title: 'Tax' },
    { id: 'section-updates', title: 'Updates from Xero' },
    { id: CATEGORY_SECTION_ID, title: 'Accounts per Clio category' },
    ...(isAdmin ? [{ id: 'section-hard-costs', title: 'Hard-cost expenses' }] : []),
    { id: 'section-schedule', title: 'Schedule and notifications' },
    ...(isAdmin && xeroActive ? [{ id: DANGER_ZONE_TITLE_ID, title: 'Danger zone' }] : []),
  ];

  return (
    <div class="settings-page">
      <h1>Bill Syncing → Xero</h1>
      {/* First after the heading, so it is a few Tab presses from the top; shown fixed at the foot of the view. */}
      <div class="save-bar" role="region" aria-label="Save the settings">
        <div class="save-bar-inner">
          <button type="submit" form={FORM_ID} disabled={!isAdmin || saving}>
            Update sync settings
          </button>
          <p role="status" class="saved">
            {saving ? 'Saving…' : notice?.kind === 'saved' ? notice.text : ''}
          </p>
          {notice?.kind === 'failed' && (
            <p role="alert" class="failed">
              {notice.text}
              {errors.form ? ` ${errors.form}` : ''}
              {fieldsToFix > 0 && ` ${fieldsToFix === 1 ? 'One field is' : `${formatCount(fieldsToFix)} fields are`} marked; the first has the focus.`}
            </p>
          )}
        </div>
      </div>
      <SectionNav sections={sections} />
      <XeroConnectionPanel connection={me.xero} isAdmin={isAdmin} />
      {isAdmin && xeroActive && <ContactReviews />}
      {loadError && <p role="alert">{loadError}</p>}
      {!isAdmin && (
        <p class="note" role="note">
          You can see these settings; only a Clio administrator of {me.firm.name} can change them.
        </p>
      )}
      {!xeroActive && <p class="note">Connect to Xero to choose accounts and tax rates from your organisation.</p>}
      <form id={FORM_ID} onSubmit={save} noValidate>
        <fieldset disabled={!isAdmin}>
          <section class="settings-section" aria-labelledby="section-bills">
            <h2 id="section-bills">Bills</h2>
            <Toggle id="syncBills" label="Sync bills from Clio to Xero" checked={draft.syncBills} onChange={(v) => set('syncBills', v)} />
            <Toggle
              id="onlyApprovedBills"
              label="Only sync bills after they are approved"
              checked={draft.onlyApprovedBills}
              onChange={(v) => set('onlyApprovedBills', v)}
            />
            {/* A group names the range, so "to" is not read on its own. */}
            <fieldset class="choice">
              <legend>Sync bills dated</legend>
              <div class="row">
                {date('billDateFrom', 'from')}
                {date('billDateTo', 'to')}
              </div>
            </fieldset>
            <fieldset class="choice">
              <legend>New invoices in Xero are</legend>
              {(['DRAFT', 'AUTHORISED'] as const).map((status) => (
                <div class="field toggle" key={status}>
                  <input
                    type="radio"
                    name="invoiceStatus"
                    id={`invoiceStatus-${status}`}
                    checked={draft.invoiceStatus === status}
                    onChange={() => set('invoiceStatus', status)}
                    aria-describedby={status === 'DRAFT' && draft.invoiceStatus === 'DRAFT' ? 'invoiceStatus-hint' : undefined}
                  />
                  <label for={`invoiceStatus-${status}`}>{status === 'DRAFT' ? 'Drafts' : 'Approved and awaiting payment'}</label>
                </div>
              ))}
              {draft.invoiceStatus === 'DRAFT' && (
                <p class="hint" id="invoiceStatus-hint">
                  Xero takes payments and credit notes on approved invoices only: those recorded in Clio wait until you approve each invoice in Xero.
                </p>
              )}
            </fieldset>
          </section>

          <section class="settings-section" aria-labelledby="section-accounts">
            <h2 id="section-accounts">Accounts</h2>
            {account('timeAccountCode', 'Time entries', 'revenue')}
            {account('expenseAccountCode', 'Expenses', 'revenue')}
            {account('interestAccountCode', 'Interest', 'revenue')}
            {account('creditNoteAccountCode', 'Credit notes', 'revenue')}
            {account(
              'paymentBankAccountCode',
              'Match Clio payments to Xero bank account',
              'bank',
              'Payments recorded in Clio are applied to invoices in this account. It needs its own code in Xero.',
            )}
          </section>

          <section class="settings-section" aria-labelledby="section-tax">
            <h2 id="section-tax">Tax</h2>
            {taxRate('timeTaxType', 'Tax rate for time entries')}
            {taxRate('expenseTaxType', 'Tax rate for expenses')}
            {taxRate('interestTaxType', 'Tax rate for interest')}
            {taxRate(
              'timeUntaxedTaxType',
              'Tax rate for untaxed time entries',
              'For time entries Clio bills without tax: exempt, zero-rated or out of scope, as your accountant reports them.',
              zeroRates,
            )}
            {taxRate('expenseUntaxedTaxType', 'Tax rate for untaxed expenses', 'For expenses Clio bills without tax (a GST-free disbursement, say).', zeroRates)}
            <fieldset class="choice" aria-describedby="creditNoteTaxMode-hint">
              <legend>Credit notes</legend>
              {(
                [
                  ['pro_rata', 'Take back the tax of the bill they credit'],
                  ['untaxed', 'No tax'],
                ] as const
              ).map(([mode, label]) => (
                <div class="field toggle" key={mode}>
                  <input
                    type="radio"
                    name="creditNoteTaxMode"
                    id={`creditNoteTaxMode-${mode}`}
                    checked={draft.creditNoteTaxMode === mode}
                    onChange={() => set('creditNoteTaxMode', mode)}
                  />
                  <label for={`creditNoteTaxMode-${mode}`}>{label}</label>
                </div>
              ))}
              <p class="hint" id="creditNoteTaxMode-hint">
                A credit is split over the bill’s taxed and untaxed amounts, so it reduces the tax you owe as it reduces the fee. Choose no tax only if your accountant
                treats credits as untaxed.
              </p>
            </fieldset>
          </section>

          <section class="settings-section" aria-labelledby="section-updates">
            <h2 id="section-updates">Updates from Xero</h2>
            <Toggle id="syncFromXero" label="Sync bill updates from Xero to Clio" checked={draft.syncFromXero} onChange={(v) => set('syncFromXero', v)} />
            <Field id="clioPaymentBankAccountId" label="Clio bank account that payments made in Xero are recorded to" error={errors.clioPaymentBankAccountId}>
              {(control) => (
                <select {...control} value={draft.clioPaymentBankAccountId ?? ''} onChange={(e) => set('clioPaymentBankAccountId', e.currentTarget.value || null)}>
                  <option value="">— Choose a Clio bank account —</option>
                  {clioBanks?.map((b) => (
                    <option key={b.id} value={b.id}>
                      {b.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </section>

          <CategoryOverrides
            categories={categories}
            accounts={xero.accounts.revenue}
            value={draft.categoryAccounts}
            errors={errors}
            onChange={(rows) => set('categoryAccounts', rows)}
          />

          {isAdmin && (
            <section class="settings-section" aria-labelledby="section-hard-costs">
              <h2 id="section-hard-costs">Hard-cost expenses</h2>
              <Toggle id="syncHardCosts" label="Sync hard-cost expenses to Xero as spend money" checked={draft.syncHardCosts} onChange={(v) => set('syncHardCosts', v)} />
              {date('hardCostStartDate', 'Sync hard costs dated on or after')}
              {account('hardCostAccountCode', 'Expense account for hard costs', 'expense')}
              {account('hardCostBankAccountCode', 'Bank account hard costs are paid from', 'bank')}
            </section>
          )}

          <section class="settings-section" aria-labelledby="section-schedule">
            <h2 id="section-schedule">Schedule and notifications</h2>
            <Field id="sweepIntervalMinutes" label="Check both sides for missed changes every (minutes)" error={errors.sweepIntervalMinutes}>
              {(control) => (
                <input
                  {...control}
                  type="number"
                  min={1}
                  max={1440}
                  step={1}
                  value={draft.sweepIntervalMinutes}
                  onInput={(e) => set('sweepIntervalMinutes', e.currentTarget.valueAsNumber)}
                />
              )}
            </Field>
            <Field id="notifyEmail" label="Email new sync failures to (leave empty for none)" error={errors.notifyEmail}>
              {(control) => <input {...control} type="email" value={draft.notifyEmail ?? ''} onInput={(e) => set('notifyEmail', e.currentTarget.value.trim() || null)} />}
            </Field>
            <Toggle
              id="notifyDigest"
              label="Send one email a day with the new failures, instead of one email as each kind of failure appears"
              checked={draft.notifyDigest ?? false}
              onChange={(v) => set('notifyDigest', v)}
            />
          </section>
        </fieldset>
      </form>
      {isAdmin && xeroActive && <DangerZone tenantName={me.xero.tenantName} onDisconnected={props.onConnectionChange} />}
    </div>
  );
}
