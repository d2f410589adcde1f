import type { ComponentChildren } from 'preact';

export interface ControlProps {
  id: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

/**
 * A labelled control with its hint and its error beside it. The control is rendered by the caller
 * with the ids handed over, so screen readers announce the error with the field.
 */
export function Field(props: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ComponentChildren;
  children: (control: ControlProps) => ComponentChildren;
}) {
  const { id, label, error, hint } = props;
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {props.children({ id, 'aria-invalid': error ? true : undefined, ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A checkbox reads best with its label after it, and it has no "empty" state to explain. */
export function Toggle(props: { id: string; label: string; checked: boolean; disabled?: boolean; onChange: (checked: boolean) => void }) {
  return (
    <div class="field toggle">
      <input type="checkbox" id={props.id} checked={props.checked} disabled={props.disabled} onChange={(e) => props.onChange(e.currentTarget.checked)} />
      <label for={props.id}>{props.label}</label>
    </div>
  );
}
