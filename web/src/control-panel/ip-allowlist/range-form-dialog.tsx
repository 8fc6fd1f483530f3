import { useRef, useState, type FormEvent } from 'react';
import { api, type ApiError } from '../../api/client.ts';
import type { RangeInput, RangeView } from '../../api/types.ts';
import { DialogActions } from '../../components/dialog-actions.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { Field } from '../../components/field.tsx';
import { errorText, ErrorMessage } from '../../components/feedback.tsx';
import { describeBounds, fromLocalInputValue, toLocalInputValue } from '../../lib/format.ts';
import { useDialogAction } from '../../lib/use-api-action.ts';
import { useFocusFirstError } from '../../lib/use-focus-first-error.ts';
import { useAllowlistTab } from './allowlist-context.ts';

type FormField = 'start' | 'end' | 'label' | 'expiresAt';

/**
 * Maps the `field` of an API error to a form field. `input` is the Start IP
 * field, because Start IP also takes one address, a CIDR or start-end.
 */
function formFieldOf(error: ApiError): FormField | undefined {
  switch (error.field) {
    case 'start':
    case 'input':
      return 'start';
    case 'end':
      return 'end';
    case 'label':
      return 'label';
    case 'expiresAt':
      return 'expiresAt';
    default:
      return undefined;
  }
}

function fieldErrorText(error: ApiError): string {
  if (error.code === 'INVALID_ADDRESS' || error.code === 'INVALID_RANGE') return error.message;
  // The form sends a valid ISO time, so the server rejects `expiresAt` only when that time has passed.
  if (error.code === 'INVALID_REQUEST' && error.field === 'expiresAt') return 'This time has passed. Choose a time in the future.';
  return errorText(error);
}

interface RangeFormDialogProps {
  /** The range to edit; a new range when undefined. */
  range?: RangeView;
  /** Focuses the Expires field instead of Start IP when the dialog opens. */
  focusExpiry?: boolean;
  onClose(): void;
}

/** "New IP Range" and "Edit IP range": Start IP and End IP, label and expiry, with API errors shown at their field. */
export function RangeFormDialog({ range, focusExpiry = false, onClose }: RangeFormDialogProps) {
  const { change } = useAllowlistTab();
  const [start, setStart] = useState(range?.start ?? '');
  const [end, setEnd] = useState(range && range.end !== range.start ? range.end : '');
  const [label, setLabel] = useState(range?.label ?? '');
  const [expiresAt, setExpiresAt] = useState(toLocalInputValue(range?.expiresAt ?? null));
  const { running, error, run } = useDialogAction();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fields: RangeInput = {
      start: start.trim(),
      ...(end.trim() === '' ? {} : { end: end.trim() }),
      label,
      expiresAt: fromLocalInputValue(expiresAt),
    };
    const shown = end.trim() === '' ? start.trim() : `${start.trim()} – ${end.trim()}`;
    void run(async () => {
      const outcome = range
        ? await change((options) => api.updateRange(range.id, fields, options), `Saved ${shown}.`)
        : await change((options) => api.addRange(fields, options), `Added ${shown} to the allowed IP list.`);
      if (outcome === 'saved') onClose();
      return outcome;
    });
  }

  const errorField = error ? formFieldOf(error) : undefined;
  const fieldError = (field: FormField) => (error && errorField === field ? fieldErrorText(error) : undefined);
  const title = range ? `Edit IP range ${describeBounds(range)}` : 'New IP Range';

  return (
    <Dialog title={title} onClose={onClose}>
      <form className="form" onSubmit={submit} ref={formRef}>
        {error && errorField === undefined ? <ErrorMessage error={error} /> : null}
        <div className="field-pair">
          <Field
            label="Start IP"
            hint="One address, a CIDR such as 203.0.113.0/24, or the first address of a range."
            value={start}
            onChange={(event) => setStart(event.target.value)}
            required
            autoComplete="off"
            spellCheck={false}
            maxLength={200}
            data-autofocus={focusExpiry ? undefined : true}
            error={fieldError('start')}
          />
          <Field
            label="End IP"
            hint="The last address of the range. Leave it empty for one address or a CIDR."
            value={end}
            onChange={(event) => setEnd(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            maxLength={100}
            error={fieldError('end')}
          />
        </div>
        <Field
          label="Label"
          hint="Who or what uses these addresses, such as “Office Berlin”."
          value={label}
          onChange={(event) => setLabel(event.target.value)}
          maxLength={100}
          error={fieldError('label')}
        />
        <Field
          label="Expires (optional)"
          hint="After this time the range no longer allows access. Leave it empty to keep the range until you delete it."
          type="datetime-local"
          value={expiresAt}
          onChange={(event) => setExpiresAt(event.target.value)}
          data-autofocus={focusExpiry ? true : undefined}
          error={fieldError('expiresAt')}
        />
        <DialogActions label={range ? 'Save changes' : 'Add range'} runningLabel="Saving…" running={running} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
