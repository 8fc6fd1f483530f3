import type { ReactNode } from 'react';

/** Renders the filter bar above a log: the filters, which apply on change, and a Refresh button. */
export function LogFilters({ label, onRefresh, children }: { label: string; onRefresh(): void; children: ReactNode }) {
  return (
    <form className="filters" aria-label={label} onSubmit={(event) => event.preventDefault()}>
      {children}
      <button type="button" className="button" onClick={onRefresh}>
        Refresh
      </button>
    </form>
  );
}

interface FilterSelectProps {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  /** The text of the first option, whose value is empty and which turns the filter off, such as "All agents". */
  allLabel: string;
  options: { value: string; name: string }[];
}

/** Renders one labelled filter of a log as a select. */
export function FilterSelect({ id, label, value, onChange, allLabel, options }: FilterSelectProps) {
  return (
    <div className="field field-inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">{allLabel}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.name}
          </option>
        ))}
      </select>
    </div>
  );
}
