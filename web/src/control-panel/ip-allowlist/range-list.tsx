import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import type { RangeView } from '../../api/types.ts';
import { DateTime } from '../../components/date-time.tsx';
import { EmptyState, ErrorMessage } from '../../components/feedback.tsx';
import { ActionsHeader, TableRegion } from '../../components/table-region.tsx';
import { describeBounds, sourceNames } from '../../lib/format.ts';
import { compareAddresses, findRangeContaining } from '../../lib/ip-order.ts';
import { useApiAction } from '../../lib/use-api-action.ts';
import { ownAddressLabel, useControlPanel } from '../context.ts';
import { useAllowlistTab } from './allowlist-context.ts';
import { DeleteRangeDialog } from './delete-range-dialog.tsx';
import { RangeFormDialog } from './range-form-dialog.tsx';

type SortKey = 'start' | 'label' | 'source' | 'createdAt' | 'expiresAt';
interface Sort {
  key: SortKey;
  ascending: boolean;
}

const sortColumns: { key: SortKey; label: string }[] = [
  { key: 'start', label: 'Start' },
  { key: 'label', label: 'Label' },
  { key: 'source', label: 'Source' },
  { key: 'createdAt', label: 'Created by' },
  { key: 'expiresAt', label: 'Expires' },
];

function compareRanges(a: RangeView, b: RangeView, key: SortKey): number {
  switch (key) {
    case 'start':
      return compareAddresses(a.start, b.start) || compareAddresses(a.end, b.end);
    case 'label':
      return a.label.localeCompare(b.label, 'en', { sensitivity: 'base' });
    case 'source':
      return sourceNames[a.source].localeCompare(sourceNames[b.source], 'en');
    case 'createdAt':
      return a.createdAt.localeCompare(b.createdAt);
    case 'expiresAt':
      // Ranges without expiry sort after every dated one.
      return (a.expiresAt ?? '9999').localeCompare(b.expiresAt ?? '9999');
  }
}

function matchesSearch(range: RangeView, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (needle === '') return true;
  const haystack = [range.start, range.end, range.cidr ?? '', range.label, sourceNames[range.source], range.createdBy.name].join(' ').toLowerCase();
  return haystack.includes(needle);
}

/** Renders the "Allowed IP List" tab: the ranges with search and sort, and the buttons that add, edit and delete them. */
export function RangeList() {
  const { me } = useControlPanel();
  const { view, change } = useAllowlistTab();
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<Sort>({ key: 'start', ascending: true });
  const [editing, setEditing] = useState<RangeView | 'new' | null>(null);
  const [deleting, setDeleting] = useState<RangeView | null>(null);
  // After a delete, focus moves to the Edit button of the row that took the deleted row's place, or to "New IP Range".
  const [focusAfterDelete, setFocusAfterDelete] = useState<{ rangeId: string | null } | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const addOwn = useApiAction();

  const rows = useMemo(() => {
    const filtered = view.ranges.filter((range) => matchesSearch(range, search));
    return filtered.sort((a, b) => (sort.ascending ? 1 : -1) * compareRanges(a, b, sort.key));
  }, [view.ranges, search, sort]);

  const ownAddress = me.address;
  const ownRange = ownAddress === null ? undefined : findRangeContaining(view.ranges, ownAddress);
  // "Add my current IP" fails with ALREADY_EXISTS and `expired` when an expired range has the same bounds: offer to edit its expiry.
  const expiredOwnRange =
    addOwn.error?.code === 'ALREADY_EXISTS' && addOwn.error.details.expired === true
      ? view.ranges.find((range) => range.id === addOwn.error?.details.rangeId && range.expired)
      : undefined;

  useEffect(() => {
    if (focusAfterDelete === null || deleting !== null) return;
    const list = listRef.current;
    const target =
      (focusAfterDelete.rangeId === null ? null : list?.querySelector<HTMLElement>(`[data-range-id="${CSS.escape(focusAfterDelete.rangeId)}"] button`)) ??
      list?.querySelector<HTMLElement>('[data-new-range]');
    target?.focus();
    setFocusAfterDelete(null);
  }, [focusAfterDelete, deleting, rows]);

  function deleted(range: RangeView) {
    const index = rows.findIndex((row) => row.id === range.id);
    const neighbour = rows[index + 1] ?? rows[index - 1];
    setFocusAfterDelete({ rangeId: neighbour?.id ?? null });
  }

  function addOwnAddress() {
    if (ownAddress === null) return;
    void addOwn.run(() => change((options) => api.addRange({ input: ownAddress, label: ownAddressLabel(me) }, options), `Added your current IP ${ownAddress}.`));
  }

  function toggleSort(key: SortKey) {
    setSort((current) => (current.key === key ? { key, ascending: !current.ascending } : { key, ascending: true }));
  }

  return (
    <div ref={listRef}>
      <div className="toolbar">
        <button type="button" className="button button-primary" onClick={() => setEditing('new')} data-new-range>
          New IP Range
        </button>
        {ownAddress !== null && ownRange === undefined ? (
          <button type="button" className="button" onClick={addOwnAddress} disabled={addOwn.running}>
            {addOwn.running ? 'Adding…' : `Add my current IP (${ownAddress})`}
          </button>
        ) : null}
        <div className="field field-inline toolbar-search">
          <label htmlFor="range-search">Search</label>
          <input id="range-search" type="search" value={search} onChange={(event) => setSearch(event.target.value)} placeholder="Address or label" />
        </div>
      </div>
      {!view.enabled && ownAddress !== null ? (
        <p className="muted">The IP allowlist is off, so every address is allowed, including your current IP {ownAddress}.</p>
      ) : ownRange ? (
        <p className="muted">
          Your current IP {ownAddress} is allowed by {describeBounds(ownRange)} (“{ownRange.label}”).
        </p>
      ) : null}
      {expiredOwnRange ? (
        <div className="alert alert-warning" role="alert">
          <p>
            Your current IP {ownAddress} is in the list already as “{expiredOwnRange.label}”, but that range has expired. Edit its expiry to allow
            your IP again.
          </p>
          <button type="button" className="button" onClick={() => setEditing(expiredOwnRange)}>
            Edit the expiry of {describeBounds(expiredOwnRange)}
          </button>
        </div>
      ) : addOwn.error ? (
        <ErrorMessage error={addOwn.error} />
      ) : null}

      {view.ranges.length === 0 ? (
        <EmptyState>
          <p className="empty-title">The allowed IP list is empty</p>
          <p>Add the addresses of your offices or VPN. While the list is empty, the IP allowlist restricts nobody, even when it is on.</p>
        </EmptyState>
      ) : rows.length === 0 ? (
        <EmptyState>
          <p>No range matches “{search}”.</p>
        </EmptyState>
      ) : (
        <TableRegion label="Allowed IP ranges" stacked>
          <caption className="visually-hidden">
            Allowed IP ranges, {rows.length} of {view.ranges.length} shown, sorted by {sortColumns.find((column) => column.key === sort.key)?.label}{' '}
            {sort.ascending ? 'ascending' : 'descending'}
          </caption>
          <thead>
            <tr>
              {sortColumns.slice(0, 1).map((column) => (
                <SortHeader key={column.key} column={column} sort={sort} onSort={toggleSort} />
              ))}
              <th scope="col">End</th>
              {sortColumns.slice(1, 3).map((column) => (
                <SortHeader key={column.key} column={column} sort={sort} onSort={toggleSort} />
              ))}
              {sortColumns.slice(3).map((column) => (
                <SortHeader key={column.key} column={column} sort={sort} onSort={toggleSort} />
              ))}
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {rows.map((range) => (
              <tr key={range.id} className={range.expired ? 'row-muted' : undefined} data-range-id={range.id}>
                <td className="mono" data-label="Start">{range.start}</td>
                <td className="mono" data-label="End">
                  {range.end}
                  {range.cidr && range.start !== range.end ? <span className="cell-note">{range.cidr}</span> : null}
                </td>
                <td data-label="Label">{range.label}</td>
                <td data-label="Source">{sourceNames[range.source]}</td>
                <td data-label="Created by">
                  {range.createdBy.name}
                  <span className="cell-note">
                    <DateTime value={range.createdAt} />
                  </span>
                </td>
                <td data-label="Expires">
                  {range.expiresAt === null ? <span className="muted">Never</span> : <DateTime value={range.expiresAt} />}
                  {range.expired ? <span className="badge badge-warning badge-after">Expired</span> : null}
                </td>
                <td className="cell-actions">
                  <button type="button" className="button button-small" onClick={() => setEditing(range)} aria-label={`Edit ${describeBounds(range)}`}>
                    Edit
                  </button>
                  <button
                    type="button"
                    className="button button-small button-danger-quiet"
                    onClick={() => setDeleting(range)}
                    aria-label={`Delete ${describeBounds(range)}`}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </TableRegion>
      )}

      {editing !== null ? (
        <RangeFormDialog
          {...(editing === 'new' ? {} : { range: editing })}
          focusExpiry={editing !== 'new' && editing.id === expiredOwnRange?.id}
          onClose={() => setEditing(null)}
        />
      ) : null}
      {deleting !== null ? <DeleteRangeDialog range={deleting} onDeleted={deleted} onClose={() => setDeleting(null)} /> : null}
    </div>
  );
}

function SortHeader({ column, sort, onSort }: { column: { key: SortKey; label: string }; sort: Sort; onSort(key: SortKey): void }) {
  const direction = sort.ascending ? 'ascending' : 'descending';
  const active = sort.key === column.key;
  let indicator = '↕';
  if (active) indicator = sort.ascending ? '▲' : '▼';
  return (
    <th scope="col" aria-sort={active ? direction : undefined}>
      <button type="button" className="sort-button" onClick={() => onSort(column.key)}>
        {column.label}
        <span className="sort-indicator" aria-hidden="true">
          {indicator}
        </span>
      </button>
    </th>
  );
}
