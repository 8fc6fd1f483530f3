import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client.ts';

export type LoadState<T> = { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ready'; data: T };

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'CLIENT_ERROR', error instanceof Error ? error.message : String(error));
}

/**
 * Runs `load` when the component mounts and whenever `key` changes, and
 * returns its state with a `reload` function. A reload of the same key keeps
 * showing the loaded data until the new data arrives; a result that arrives
 * after a newer load started is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): { state: LoadState<T>; reload: () => void; setData: (data: T) => void } {
  const [state, setState] = useState<LoadState<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const loadedKey = useRef<string | undefined>(undefined);

  useEffect(() => {
    let current = true;
    const sameKey = loadedKey.current === key;
    loadedKey.current = key;
    setState((previous) => (sameKey && previous.status === 'ready' ? previous : { status: 'loading' }));
    loadRef.current().then(
      (data) => {
        if (current) setState({ status: 'ready', data });
      },
      (error: unknown) => {
        if (current) setState({ status: 'error', error: toApiError(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const setData = useCallback((data: T) => setState({ status: 'ready', data }), []);
  return { state, reload, setData };
}
