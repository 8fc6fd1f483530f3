interface DialogActionsProps {
  /** The text of the main button, such as "Add range". */
  label: string;
  /** The text of the main button while the action runs, such as "Saving…". */
  runningLabel: string;
  running: boolean;
  onCancel(): void;
  /** Runs the action from a plain button. Without it, the main button submits the dialog's form. */
  onConfirm?(): void;
  /** Shows the main button as a destructive action and focuses Cancel when the dialog opens. */
  danger?: boolean;
}

/** Renders the main button and Cancel at the foot of a dialog. Both are disabled while the action runs. */
export function DialogActions({ label, runningLabel, running, onCancel, onConfirm, danger = false }: DialogActionsProps) {
  return (
    <div className="dialog-actions">
      <button
        type={onConfirm ? 'button' : 'submit'}
        className={`button ${danger ? 'button-danger' : 'button-primary'}`}
        onClick={onConfirm}
        disabled={running}
      >
        {running ? runningLabel : label}
      </button>
      <button type="button" className="button" onClick={onCancel} disabled={running} data-autofocus={danger ? true : undefined}>
        Cancel
      </button>
    </div>
  );
}
