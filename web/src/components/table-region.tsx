import type { ReactNode } from 'react';

interface TableRegionProps {
  /** The accessible name of the region, such as "Agents". */
  label: string;
  /** The `data-testid` of the table. */
  tableTestId?: string;
  /** The caption, head and body of the table. */
  children: ReactNode;
}

/**
 * Renders a table inside a labelled region that scrolls sideways on narrow
 * screens. The region is focusable so that keyboard users can scroll it.
 */
export function TableRegion({ label, tableTestId, children }: TableRegionProps) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table className="table" data-testid={tableTestId}>
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
