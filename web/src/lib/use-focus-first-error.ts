import { useEffect, type RefObject } from 'react';

/**
 * Moves focus to the first field of `form` marked `aria-invalid="true"` each
 * time `error` changes to a new error, so that a keyboard or screen-reader
 * user lands on the field to fix. The field's aria-describedby reads the
 * error out when it gets focus.
 */
export function useFocusFirstError(form: RefObject<HTMLElement | null>, error: unknown): void {
  useEffect(() => {
    if (!error) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form, error]);
}
