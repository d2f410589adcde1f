import type { ControlProps } from './Field';
import type { ChartTaxRate } from '../../../server/api-contract';

/** The organisation's own tax rates; we never create one or post a tax amount (Xero best practice). */
export function TaxRateSelect(props: ControlProps & { taxRates: ChartTaxRate[]; value: string | null; onChange: (taxType: string | null) => void }) {
  const { taxRates, value, onChange, ...control } = props;
  const usable = taxRates.filter((t) => t.canApplyToRevenue);
  const known = value === null || usable.some((t) => t.taxType === value);
  return (
    <select {...control} value={value ?? ''} onChange={(e) => onChange(e.currentTarget.value || null)}>
      <option value="">— Choose a tax rate —</option>
      {!known && <option value={value!}>{value} (no longer available in Xero)</option>}
      {usable.map((t) => (
        <option key={t.taxType} value={t.taxType}>
          {t.name}
          {t.rate !== null ? ` (${t.rate}%)` : ''}
        </option>
      ))}
    </select>
  );
}
