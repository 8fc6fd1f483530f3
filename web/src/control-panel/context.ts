import { createContext, useContext } from 'react';
import type { Me } from '../api/types.ts';

/** A change of the allowlist, sent again with `confirmLockout` or a newer `version` when the lockout dialog requests it. */
export type ChangeRequest = (options: { confirmLockout: boolean; version: number | undefined }) => Promise<unknown>;

/** `cancelled` when the agent closed the lockout dialog without saving. */
export type ChangeOutcome = 'saved' | 'cancelled';

export interface ControlPanelContext {
  me: Me;
  /** Runs an API call of this session; see useSessionGuard. */
  guard<T>(call: Promise<T>): Promise<T>;
  /**
   * Runs an allowlist change. When the server returns 409 WOULD_LOCK_OUT,
   * the lockout dialog offers three choices: add the agent's own address
   * first, save anyway, or cancel. Other errors are thrown to the caller.
   */
  runChange(request: ChangeRequest, version?: number): Promise<ChangeOutcome>;
}

export const ControlPanelContext = createContext<ControlPanelContext | null>(null);

export function useControlPanel(): ControlPanelContext {
  const context = useContext(ControlPanelContext);
  if (!context) throw new Error('useControlPanel must be used inside the Control Panel layout.');
  return context;
}

/** Label of a range added for the agent's own current address. */
export function ownAddressLabel(me: Me): string {
  return `Current IP of ${me.agent.name}`;
}
