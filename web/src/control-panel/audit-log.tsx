import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import type { AuditEvent } from '../api/types.ts';
import { DateTime } from '../components/date-time.tsx';
import { EmptyState, ErrorMessage, Loading } from '../components/feedback.tsx';
import { useDocumentTitle } from '../components/page-title.ts';
import { formatDateTime, sourceNames } from '../lib/format.ts';
import { useLoad } from '../lib/use-load.ts';
import { useControlPanel } from './context.ts';

const pageSize = 25;

const actionNames: Record<string, string> = {
  'allowlist.settings-updated': 'Changed allowlist settings',
  'allowlist.range-added': 'Added an IP range',
  'allowlist.range-updated': 'Changed an IP range',
  'allowlist.range-deleted': 'Deleted an IP range',
  'agent.created': 'Added an agent',
  'agent.updated': 'Changed an agent',
  'account.created': 'Created the account',
};

const fieldNames: Record<string, string> = {
  enabled: 'IP Allowlist',
  mobileEnforced: 'IP Allowlist for mobile access',
  enforceOnSessions: 'Apply to signed-in sessions',
  start: 'Start',
  end: 'End',
  label: 'Label',
  source: 'Source',
  expiresAt: 'Expires',
  email: 'Email',
  name: 'Name',
  role: 'Role',
  manageSecurity: 'manage_security',
  disabled: 'Disabled',
};

function formatValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return key === 'expiresAt' ? 'never' : '—';
  if (typeof value === 'boolean') {
    if (key === 'disabled') return value ? 'yes' : 'no';
    return value ? 'on' : 'off';
  }
  if (key === 'source' && typeof value === 'string') return sourceNames[value as keyof typeof sourceNames] ?? value;
  if (key === 'expiresAt' && typeof value === 'string') return formatDateTime(value);
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Returns the fields that differ between before and after, or every field of a created or deleted item. Ids are left out. */
export function changedFields(event: Pick<AuditEvent, 'before' | 'after'>): { key: string; before: string | null; after: string | null }[] {
  const before = asRecord(event.before);
  const after = asRecord(event.after);
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter((key) => key !== 'id');
  return keys
    .filter((key) => !before || !after || JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => ({
      key,
      before: before ? formatValue(key, before[key]) : null,
      after: after ? formatValue(key, after[key]) : null,
    }));
}

function ChangeSummary({ event }: { event: AuditEvent }) {
  const fields = changedFields(event);
  if (fields.length === 0) return <span className="muted">No field changed</span>;
  return (
    <dl className="change-list">
      {fields.map((field) => (
        <div key={field.key} className="change-item">
          <dt>{fieldNames[field.key] ?? field.key}</dt>
          <dd>
            {field.before !== null && field.after !== null ? (
              <>
                <del>{field.before}</del> <span aria-hidden="true">→</span>
                <span className="visually-hidden"> changed to </span> <ins>{field.after}</ins>
              </>
            ) : (
              (field.after ?? field.before)
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Security > Audit log: who changed what, from which address, with the values before and after. */
export function AuditLogPage() {
  useDocumentTitle('Audit log');
  const { guard } = useControlPanel();
  const [searchParams, setSearchParams] = useSearchParams();
  const action = searchParams.get('action') ?? '';
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const { state, reload } = useLoad(() => guard(api.auditEvents({ action, before: cursor, limit: pageSize })), JSON.stringify({ action, cursor }));

  function setAction(value: string) {
    const next = new URLSearchParams(searchParams);
    if (value === '') next.delete('action');
    else next.set('action', value);
    setSearchParams(next, { replace: true });
    setCursors([undefined]);
  }

  return (
    <section className="panel">
      <p className="breadcrumb">Global Settings › Security</p>
      <h1>Audit log</h1>
      <p className="lead">Every change to the IP allowlist and to agents: who made it, from which IP address, and what it was before and after.</p>

      <form className="filters" aria-label="Filter the audit log" onSubmit={(event) => event.preventDefault()}>
        <div className="field field-inline">
          <label htmlFor="filter-action">Change</label>
          <select id="filter-action" value={action} onChange={(event) => setAction(event.target.value)}>
            <option value="">All changes</option>
            {Object.entries(actionNames).map(([value, name]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button" onClick={reload}>
          Refresh
        </button>
      </form>

      {state.status === 'loading' ? <Loading label="Loading the audit log…" /> : null}
      {state.status === 'error' ? <ErrorMessage error={state.error} onRetry={reload} title="The audit log could not be loaded." /> : null}
      {state.status === 'ready' && state.data.items.length === 0 ? (
        <EmptyState>
          <p>{action ? 'No change of this kind has been recorded.' : 'No change has been recorded yet.'}</p>
        </EmptyState>
      ) : null}
      {state.status === 'ready' && state.data.items.length > 0 ? (
        <>
          <div className="table-wrap" role="region" aria-label="Audit log entries" tabIndex={0}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">From</th>
                  <th scope="col">Change</th>
                  <th scope="col">Before and after</th>
                </tr>
              </thead>
              <tbody>
                {state.data.items.map((event) => (
                  <tr key={event.id}>
                    <td>
                      <DateTime value={event.createdAt} />
                    </td>
                    <td>{event.actor.name}</td>
                    <td>{event.actor.address === null ? <span className="muted">On the server</span> : <span className="mono">{event.actor.address}</span>}</td>
                    <td>{actionNames[event.action] ?? event.action}</td>
                    <td>
                      <ChangeSummary event={event} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="pager">
            <button type="button" className="button" onClick={() => setCursors((current) => current.slice(0, -1))} disabled={cursors.length <= 1}>
              Newer
            </button>
            <span className="muted">Page {cursors.length}</span>
            <button
              type="button"
              className="button"
              onClick={() => {
                const next = state.data.nextCursor;
                if (next !== null) setCursors((current) => [...current, next]);
              }}
              disabled={state.data.nextCursor === null}
            >
              Older
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}
