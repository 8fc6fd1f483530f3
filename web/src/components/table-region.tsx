import type { ReactNode } from 'react';

interface TableRegionProps {
  /** The accessible name of the region, such as "Agents". */
  label: string;
  /** The `data-testid` of the table. */
  tableTestId?: string;
  /** The caption, head and body of the table. */
  children: ReactNode;
  /**
   * Shows each row as a card at narrow widths, with each cell's `data-label`
   * above its value, so that no column and no row button is off-screen.
   */
  stacked?: boolean;
}

/**
 * Renders a table inside a labelled region that scrolls sideways on narrow
 * screens, unless it is `stacked`. The region is focusable so that keyboard
 * users can scroll it.
 */
export function TableRegion({ label, tableTestId, children, stacked = false }: TableRegionProps) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table className={stacked ? 'table table-stacked' : 'table'} data-testid={tableTestId}>
        {children}
      </table>
    </div>
  );
}

/** Renders the header cell of a column of row buttons, with a name that only screen readers read. */
export function ActionsHeader() {
  return (
    <th scope="col">
      <span className="visually-hidden">Actions</span>
    </th>
  );
}
