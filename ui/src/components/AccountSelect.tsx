import type { ControlProps } from './Field';
import type { AccountOption } from '../../../server/api-contract';

/**
 * A dropdown of the organisation's accounts: no free-text codes (Xero certification). A saved code
 * that is no longer offered (archived since) stays visible so the error beside it makes sense.
 */
export function AccountSelect(
  props: ControlProps & {
    options: AccountOption[];
    value: string | null;
    placeholder?: string;
    onChange: (code: string | null) => void;
  },
) {
  const { options, value, placeholder, onChange, ...control } = props;
  const known = value === null || options.some((o) => o.code === value);
  return (
    <select {...control} value={value ?? ''} onChange={(e) => onChange(e.currentTarget.value || null)}>
      <option value="">{placeholder ?? '— Choose an account —'}</option>
      {!known && <option value={value!}>{value} (no longer available in Xero)</option>}
      {options.map((o) =>
        o.disabled ? (
          <option key={o.name} disabled value="" title={o.reason}>
            {o.name} — {o.reason}
          </option>
        ) : (
          <option key={o.code} value={o.code!}>
            {o.code} · {o.name}
          </option>
        ),
      )}
    </select>
  );
}
