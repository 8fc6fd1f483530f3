import { useEffect, useRef, useState } from 'react';
import { api, isApiError, isHandled, type ApiError } from '../api/client.ts';
import { Dialog } from '../components/dialog.tsx';
import { ErrorMessage } from '../components/feedback.tsx';
import type { RangeView } from '../api/types.ts';
import { describeBounds } from '../lib/format.ts';
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
  // Set when "Add my IP and save" met a range with the same bounds (409 ALREADY_EXISTS): the change itself deletes or edits that range.
  const [existing, setExisting] = useState<{ range: RangeView | undefined; expired: boolean } | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // "Add my IP and save" had focus and is gone now, so Cancel takes it.
    if (existing !== null) cancelRef.current?.focus();
  }, [existing]);

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
      if (isApiError(caught) && caught.code === 'ALREADY_EXISTS' && !isHandled(caught)) {
        await showExistingRange(caught);
        return;
      }
      // The address could not be added: stay, so the agent can choose again.
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

  async function showExistingRange(caught: ApiError) {
    const rangeId = typeof caught.details.rangeId === 'string' ? caught.details.rangeId : undefined;
    let range: RangeView | undefined;
    try {
      range = (await guard(api.allowlist())).ranges.find((candidate) => candidate.id === rangeId);
    } catch {
      // The explanation below also reads without the range's label.
    }
    setExisting({ range, expired: caught.details.expired === true });
    setBusy(null);
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
      {pending.address !== null && existing === null ? (
        <p>
          “Add my IP and save” first adds {pending.address} to the allowed IP list, then saves your change. “Save anyway” saves it as it is.
        </p>
      ) : null}
      {existing !== null ? (
        <div className="alert alert-warning" role="alert" data-testid="lockout-existing-range">
          {existing.expired ? (
            <p>
              {pending.address} is in the list already as {existing.range ? `“${existing.range.label}”` : 'a range'}, but that range has expired.
              Choose Cancel and edit the expiry of that range instead, or save your change anyway.
            </p>
          ) : (
            <p>
              The range that allows your IP address {pending.address}
              {existing.range ? `, ${describeBounds(existing.range)} (“${existing.range.label}”),` : ''} is the range that this change deletes or
              edits, so Gatehouse cannot add your IP again while it is in the list. “Save anyway” makes the change, and you lose access from{' '}
              {pending.address}. “Cancel” keeps everything as it was.
            </p>
          )}
        </div>
      ) : null}
      {error ? <ErrorMessage error={error} /> : null}
      <div className="dialog-actions">
        {pending.address !== null && existing === null ? (
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
          ref={cancelRef}
          onClick={() => finish('cancelled')}
          disabled={busy !== null}
        >
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
