import { useState } from 'react';
import { api, isApiError, isHandled, type ApiError } from '../../api/client.ts';
import type { RangeView } from '../../api/types.ts';
import { Dialog } from '../../components/dialog.tsx';
import { errorText } from '../../components/feedback.tsx';
import { describeBounds } from '../../lib/format.ts';
import { useAllowlistTab } from './allowlist-context.ts';

export function DeleteRangeDialog({ range, onClose }: { range: RangeView; onClose(): void }) {
  const { view, change } = useAllowlistTab();
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const bounds = describeBounds(range);

  async function remove() {
    setDeleting(true);
    setError(null);
    try {
      const outcome = await change((options) => api.deleteRange(range.id, options), `Deleted ${bounds}.`);
      if (outcome === 'saved') {
        onClose();
        return;
      }
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      if (isHandled(caught)) return;
      setError(caught);
    }
    setDeleting(false);
  }

  const isLast = view.ranges.length === 1;
  return (
    <Dialog title={`Delete ${bounds}?`} onClose={onClose} alert>
      <p>
        “{range.label}” will be removed from the allowed IP list.{' '}
        {view.enabled && !isLast ? 'Agents will no longer be able to sign in from these addresses unless another range allows them.' : null}
        {view.enabled && isLast ? 'It is the last range, so the IP allowlist will no longer restrict anyone.' : null}
      </p>
      {error ? (
        <div className="alert alert-error" role="alert">
          <p>{errorText(error)}</p>
        </div>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="button button-danger" onClick={() => void remove()} disabled={deleting}>
          {deleting ? 'Deleting…' : 'Delete range'}
        </button>
        <button type="button" className="button" onClick={onClose} disabled={deleting} data-autofocus>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
