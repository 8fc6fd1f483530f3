import { api } from '../../api/client.ts';
import type { RangeView } from '../../api/types.ts';
import { DialogActions } from '../../components/dialog-actions.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { ErrorMessage } from '../../components/feedback.tsx';
import { describeBounds } from '../../lib/format.ts';
import { useDialogAction } from '../../lib/use-api-action.ts';
import { useAllowlistTab } from './allowlist-context.ts';

/** Asks to confirm deleting a range; calls `onDeleted` before `onClose` once the range is gone. */
export function DeleteRangeDialog({ range, onDeleted, onClose }: { range: RangeView; onDeleted(range: RangeView): void; onClose(): void }) {
  const { view, change } = useAllowlistTab();
  const { running, error, run } = useDialogAction();
  const bounds = describeBounds(range);

  function remove() {
    void run(async () => {
      const outcome = await change((options) => api.deleteRange(range.id, options), `Deleted ${bounds}.`);
      if (outcome === 'saved') {
        onDeleted(range);
        onClose();
      }
      return outcome;
    });
  }

  const isLast = view.ranges.length === 1;
  return (
    <Dialog title={`Delete ${bounds}?`} onClose={onClose} alert>
      <p>
        “{range.label}” will be removed from the allowed IP list.{' '}
        {view.enabled && !isLast ? 'Agents will no longer be able to sign in from these addresses unless another range allows them.' : null}
        {view.enabled && isLast ? 'It is the last range, so the IP allowlist will no longer restrict anyone.' : null}
      </p>
      {error ? <ErrorMessage error={error} /> : null}
      <DialogActions label="Delete range" runningLabel="Deleting…" running={running} onCancel={onClose} onConfirm={remove} danger />
    </Dialog>
  );
}
