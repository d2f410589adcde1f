import { AccountSelect } from './AccountSelect';
import { type AccountOption, type CategoryAccount, categoryFieldKey, type ClioCategory, type FieldErrors } from '../../../server/api-contract';

const KIND_WORDS: Record<ClioCategory['kind'], string> = {
  activity_description: 'Activity',
  expense_category: 'Expense category',
};

/** The id of the section's heading, for the page's section links. */
export const CATEGORY_SECTION_ID = 'section-categories';

/**
 * One row per Clio category: a chosen account overrides the default account for that category's
 * lines; "Use the default account" removes the override.
 */
export function CategoryOverrides(props: {
  categories: ClioCategory[] | null;
  accounts: AccountOption[];
  value: CategoryAccount[];
  errors: FieldErrors;
  onChange: (rows: CategoryAccount[]) => void;
}) {
  const { categories, accounts, value, errors } = props;
  const chosen = (c: ClioCategory) => value.find((v) => v.clioKind === c.kind && v.clioId === c.id)?.accountCode ?? null;
  const setAccount = (c: ClioCategory, code: string | null) => {
    const others = value.filter((v) => !(v.clioKind === c.kind && v.clioId === c.id));
    props.onChange(code ? [...others, { clioKind: c.kind, clioId: c.id, accountCode: code }] : others);
  };

  return (
    <section class="settings-section" aria-labelledby={CATEGORY_SECTION_ID}>
      <h2 id={CATEGORY_SECTION_ID}>Accounts per Clio category</h2>
      {categories === null && <p class="note">Clio's categories could not be loaded; existing overrides are kept.</p>}
      {categories?.length === 0 && <p class="note">Your Clio account has no activity or expense categories.</p>}
      {categories && categories.length > 0 && (
        <table class="overrides">
          <thead>
            <tr>
              <th scope="col">Clio category</th>
              <th scope="col">Xero account</th>
            </tr>
          </thead>
          <tbody>
            {categories.map((c) => {
              const key = categoryFieldKey({ clioKind: c.kind, clioId: c.id });
              const id = key.replace(/\./g, '-');
              return (
                <tr key={key} class={errors[key] ? 'has-error' : undefined}>
                  <th scope="row">
                    <label for={id}>
                      {KIND_WORDS[c.kind]}: {c.name}
                    </label>
                  </th>
                  <td>
                    <AccountSelect
                      id={id}
                      aria-invalid={errors[key] ? true : undefined}
                      {...(errors[key] ? { 'aria-describedby': `${id}-error` } : {})}
                      options={accounts}
                      value={chosen(c)}
                      placeholder="Use the default account"
                      onChange={(code) => setAccount(c, code)}
                    />
                    {errors[key] && (
                      <p class="field-error" id={`${id}-error`}>
                        {errors[key]}
                      </p>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
