import { useEffect, useId, useRef, type ReactNode } from 'react';

interface DialogProps {
  title: string;
  /** Called on Escape and by the caller's own Cancel buttons. */
  onClose(): void;
  children: ReactNode;
  /** A dialog that asks to confirm a risky change gets `role="alertdialog"`. */
  alert?: boolean;
}

/**
 * A modal `<dialog>`: the browser keeps focus inside it and closes it on
 * Escape. Render it only while it is open. It focuses the element marked
 * `data-autofocus` (or the first focusable one) and gives focus back to the
 * element that had it when the dialog unmounts.
 */
export function Dialog({ title, onClose, children, alert = false }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const onCancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} role={alert ? 'alertdialog' : undefined}>
      <h2 id={titleId} className="dialog-title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}
