import { useState } from 'react';
import { api, isApiError, isHandled, type ApiError } from '../api/client.ts';
import { Dialog } from '../components/dialog.tsx';
import { ErrorMessage } from '../components/feedback.tsx';
import type { ChangeOutcome, ChangeRequest } from './context.ts';

export interface PendingLockout {
  /** The agent's own address that the change would deny; null when the server cannot read it. */
  address: string | null;
  request: ChangeRequest;
  version: number | undefined;
  label: string;
  resolve(outcome: ChangeOutcome): void;
  reject(error: unknown): void;
}

interface LockoutDialogProps {
  pending: PendingLockout;
  guard<T>(call: Promise<T>): Promise<T>;
  onDone(): void;
}

/** The dialog for 409 WOULD_LOCK_OUT: "Add my IP and save", "Save anyway" or "Cancel". */
export function LockoutDialog({ pending, guard, onDone }: LockoutDialogProps) {
  const [busy, setBusy] = useState<'add' | 'save' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  function finish(outcome: ChangeOutcome) {
    pending.resolve(outcome);
    onDone();
  }

  function fail(caught: unknown) {
    pending.reject(caught);
    onDone();
  }

  async function addMyAddressAndSave() {
    if (pending.address === null) return;
    setBusy('add');
    setError(null);
    try {
      await guard(api.addRange({ input: pending.address, label: pending.label }));
    } catch (caught) {
      // The address could not be added (for example, it is listed but expired): stay, so the agent can choose again.
      if (isApiError(caught) && !isHandled(caught)) {
        setError(caught);
        setBusy(null);
        return;
      }
      fail(caught);
      return;
    }
    try {
      const fresh = await guard(api.allowlist());
      await guard(pending.request({ confirmLockout: false, version: fresh.version }));
      finish('saved');
    } catch (caught) {
      fail(caught);
    }
  }

  async function saveAnyway() {
    setBusy('save');
    setError(null);
    try {
      await guard(pending.request({ confirmLockout: true, version: pending.version }));
      finish('saved');
    } catch (caught) {
      fail(caught);
    }
  }

  return (
    <Dialog title="This change would lock you out" onClose={() => finish('cancelled')} alert>
      {pending.address === null ? (
        <p>Gatehouse cannot read your IP address, so after this change it would deny your own session and your next sign-in.</p>
      ) : (
        <p>
          After this change, the IP allowlist would deny your current IP address <strong data-testid="lockout-address">{pending.address}</strong>. You
          would be signed out, and you could not sign in again from here.
        </p>
      )}
      {pending.address !== null ? (
        <p>
          “Add my IP and save” first adds {pending.address} to the allowed IP list, then saves your change. “Save anyway” saves it as it is.
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} /> : null}
      <div className="dialog-actions">
        {pending.address !== null ? (
          <button type="button" className="button button-primary" data-autofocus onClick={() => void addMyAddressAndSave()} disabled={busy !== null}>
            {busy === 'add' ? 'Adding your IP…' : 'Add my IP and save'}
          </button>
        ) : null}
        <button type="button" className="button button-danger" onClick={() => void saveAnyway()} disabled={busy !== null}>
          {busy === 'save' ? 'Saving…' : 'Save anyway'}
        </button>
        <button
          type="button"
          className="button"
          data-autofocus={pending.address === null ? true : undefined}
          onClick={() => finish('cancelled')}
          disabled={busy !== null}
        >
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
