import { useState } from 'react';
import { useSearchParams } from 'react-router';
import type { Page } from '../api/types.ts';
import { useLoad, type LoadState } from './use-load.ts';

const pageSize = 25;

export interface PagedLog<Filter extends string, T> {
  /** The value of each filter, read from the query string. A filter that is off has the empty string. */
  filters: Record<Filter, string>;
  /** Sets a filter in the query string and goes back to the newest page. */
  setFilter(name: Filter, value: string): void;
  state: LoadState<Page<T>>;
  reload(): void;
  /** The number of the page shown, from 1 for the newest. */
  pageNumber: number;
  showNewer(): void;
  /** Shows the page that starts at `cursor`, the `nextCursor` of the page shown. */
  showOlder(cursor: string): void;
}

/**
 * Reads a log page by page, newest first, with filters kept in the query
 * string. `load` receives the filters, the cursor of the page as `before`
 * (undefined for the newest page) and the page size as `limit`.
 */
export function usePagedLog<Filter extends string, T>(
  filterNames: readonly Filter[],
  load: (query: Record<Filter, string> & { before: string | undefined; limit: number }) => Promise<Page<T>>,
): PagedLog<Filter, T> {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = Object.fromEntries(filterNames.map((name) => [name, searchParams.get(name) ?? ''])) as Record<Filter, string>;
  // Cursors of the pages shown so far; the last one is the current page, and undefined is the newest page.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const { state, reload } = useLoad(() => load({ ...filters, before: cursor, limit: pageSize }), JSON.stringify({ ...filters, cursor }));

  function setFilter(name: Filter, value: string) {
    const next = new URLSearchParams(searchParams);
    if (value === '') next.delete(name);
    else next.set(name, value);
    setSearchParams(next, { replace: true });
    setCursors([undefined]);
  }

  return {
    filters,
    setFilter,
    state,
    reload,
    pageNumber: cursors.length,
    showNewer: () => setCursors((current) => current.slice(0, -1)),
    showOlder: (next) => setCursors((current) => [...current, next]),
  };
}
