import { useId, type ReactNode } from 'react';

interface SwitchProps {
  label: string;
  checked: boolean;
  onChange(checked: boolean): void;
  busy?: boolean;
  disabled?: boolean;
  children?: ReactNode;
}

/** An on/off switch (`role="switch"`) with its label and an explanation below it. */
export function Switch({ label, checked, onChange, busy = false, disabled = false, children }: SwitchProps) {
  const labelId = useId();
  const descriptionId = useId();
  return (
    <div className="switch-row">
      <button
        type="button"
        role="switch"
        className="switch"
        aria-checked={checked}
        aria-labelledby={labelId}
        aria-describedby={children ? descriptionId : undefined}
        aria-busy={busy || undefined}
        // While busy the switch stays focusable (aria-disabled, not disabled), so that keyboard focus does not fall back to the page.
        aria-disabled={busy || undefined}
        disabled={disabled}
        onClick={() => {
          if (!busy) onChange(!checked);
        }}
      >
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        <span className="switch-state" aria-hidden="true">
          {checked ? 'On' : 'Off'}
        </span>
      </button>
      <div className="switch-text">
        <span id={labelId} className="switch-label">
          {label}
        </span>
        {children ? (
          <div id={descriptionId} className="switch-description">
            {children}
          </div>
        ) : null}
      </div>
    </div>
  );
}
