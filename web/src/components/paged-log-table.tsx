import type { ReactNode } from 'react';
import type { PagedLog } from '../lib/use-paged-log.ts';
import { LoadStates } from './load-states.tsx';
import { TableRegion } from './table-region.tsx';

interface PagedLogTableProps<T> {
  log: PagedLog<string, T>;
  /** The accessible name of the table region, such as "Audit log entries". */
  label: string;
  loadingLabel: string;
  errorTitle: string;
  /** The text shown when the page has no entries. */
  emptyText: string;
  /** The header cells of the table. */
  columns: ReactNode;
  /** Renders one entry as a table row with its `key`. */
  renderRow(item: T): ReactNode;
  /** Shows each row as a card at narrow widths; see TableRegion. */
  stacked?: boolean;
}

/** Renders a page of a log as a table with Newer and Older buttons, and its loading, error and empty states. */
export function PagedLogTable<T>({ log, label, loadingLabel, errorTitle, emptyText, columns, renderRow, stacked = false }: PagedLogTableProps<T>) {
  return (
    <LoadStates state={log.state} onRetry={log.reload} loadingLabel={loadingLabel} errorTitle={errorTitle} isEmpty={(page) => page.items.length === 0} empty={<p>{emptyText}</p>}>
      {(page) => (
        <>
          <TableRegion label={label} stacked={stacked}>
            <thead>
              <tr>{columns}</tr>
            </thead>
            <tbody>{page.items.map(renderRow)}</tbody>
          </TableRegion>
          <div className="pager">
            <button type="button" className="button" onClick={log.showNewer} disabled={log.pageNumber <= 1}>
              Newer
            </button>
            <span className="muted">Page {log.pageNumber}</span>
            <button
              type="button"
              className="button"
              onClick={() => {
                if (page.nextCursor !== null) log.showOlder(page.nextCursor);
              }}
              disabled={page.nextCursor === null}
            >
              Older
            </button>
          </div>
        </>
      )}
    </LoadStates>
  );
}
