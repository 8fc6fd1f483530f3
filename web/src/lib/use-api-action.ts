import { useCallback, useState } from 'react';
import { isApiError, isHandled, type ApiError } from '../api/client.ts';

export interface ApiActions<Key> {
  /** The key of the action that is running, or null. */
  running: Key | null;
  /** The error of the last action that failed, unless a session guard handled it. */
  failure: { key: Key; error: ApiError } | null;
  /** Runs `action` under `key`, clearing the previous failure first. Errors other than ApiError are rethrown. */
  run(key: Key, action: () => Promise<unknown>): Promise<void>;
}

/**
 * Runs the API actions of a page that has several buttons, such as one per
 * table row, and records which one is running and which one failed.
 */
export function useApiActions<Key>(): ApiActions<Key> {
  const [running, setRunning] = useState<Key | null>(null);
  const [failure, setFailure] = useState<{ key: Key; error: ApiError } | null>(null);

  const run = useCallback(async (key: Key, action: () => Promise<unknown>) => {
    setRunning(key);
    setFailure(null);
    try {
      await action();
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      if (!isHandled(caught)) setFailure({ key, error: caught });
    } finally {
      setRunning(null);
    }
  }, []);

  return { running, failure, run };
}

export interface ApiAction {
  running: boolean;
  /** The error of the last run, unless a session guard handled it. */
  error: ApiError | null;
  run(action: () => Promise<unknown>): Promise<void>;
}

/** Runs the one API action of a form or a button, as useApiActions does for several. */
export function useApiAction(): ApiAction {
  const { running, failure, run } = useApiActions<true>();
  const runOne = useCallback((action: () => Promise<unknown>) => run(true, action), [run]);
  return { running: running !== null, error: failure?.error ?? null, run: runOne };
}

export interface DialogAction {
  running: boolean;
  error: ApiError | null;
  /** Runs the dialog's action, which closes the dialog itself before it returns `saved`. */
  run(action: () => Promise<'saved' | 'cancelled'>): Promise<void>;
}

/**
 * Runs the main action of a dialog. It stays running after `saved`, because
 * the action has closed the dialog, and after an error that a session guard
 * handled, because the app is moving to the denied page or to sign-in. After
 * `cancelled` (the agent closed the lockout dialog) or any other API error,
 * the agent can try again.
 */
export function useDialogAction(): DialogAction {
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const run = useCallback(async (action: () => Promise<'saved' | 'cancelled'>) => {
    setRunning(true);
    setError(null);
    try {
      if ((await action()) === 'saved') return;
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      if (isHandled(caught)) return;
      setError(caught);
    }
    setRunning(false);
  }, []);

  return { running, error, run };
}
