import type { ReactNode } from 'react';
import type { LoadState } from '../lib/use-load.ts';
import { EmptyState, ErrorMessage, Loading } from './feedback.tsx';

interface LoadStatesProps<T> {
  state: LoadState<T>;
  onRetry(): void;
  loadingLabel: string;
  /** The title of the error box, such as "The agents could not be loaded.". */
  errorTitle: string;
  isEmpty(data: T): boolean;
  /** The content of the empty state. */
  empty: ReactNode;
  children(data: T): ReactNode;
}

/** Renders a loaded list in each state: loading, failed with a retry button, empty, or its content. */
export function LoadStates<T>({ state, onRetry, loadingLabel, errorTitle, isEmpty, empty, children }: LoadStatesProps<T>) {
  switch (state.status) {
    case 'loading':
      return <Loading label={loadingLabel} />;
    case 'error':
      return <ErrorMessage error={state.error} onRetry={onRetry} title={errorTitle} />;
    case 'ready':
      return isEmpty(state.data) ? <EmptyState>{empty}</EmptyState> : children(state.data);
  }
}
