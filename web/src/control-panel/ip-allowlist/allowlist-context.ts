import { useOutletContext } from 'react-router';
import type { AllowlistView } from '../../api/types.ts';
import type { ChangeOutcome, ChangeRequest } from '../context.ts';

export interface AllowlistTabContext {
  view: AllowlistView;
  /**
   * Runs a change with the lockout dialog, then reads the list again and
   * shows `successMessage`, which may be built from the saved allowlist.
   * Returns `cancelled` when the agent cancelled the dialog. On 409 CONFLICT
   * the list is reloaded and the error is thrown on to the caller.
   */
  change(request: ChangeRequest, successMessage: string | ((saved: AllowlistView) => string)): Promise<ChangeOutcome>;
}

export function useAllowlistTab(): AllowlistTabContext {
  return useOutletContext<AllowlistTabContext>();
}
