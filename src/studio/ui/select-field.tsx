/**
 * A labelled drop-down among known choices, each a value and the words a marketer reads for it. `none`
 * offers an empty value first (a setting left out), under the label given.
 */
export function SelectField<Value extends string>({
  id,
  label,
  value,
  choices,
  none,
  onChange,
}: {
  id: string;
  label: string;
  value: Value | '';
  choices: readonly (readonly [Value, string])[];
  none?: string;
  onChange: (value: Value | '') => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as Value | '')}>
        {none !== undefined && <option value="">{none}</option>}
        {choices.map(([choice, name]) => (
          <option key={choice} value={choice}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}
