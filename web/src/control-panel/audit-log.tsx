import { api } from '../api/client.ts';
import type { AuditEvent } from '../api/types.ts';
import { DateTime } from '../components/date-time.tsx';
import { FilterSelect, LogFilters } from '../components/log-filters.tsx';
import { useDocumentTitle } from '../components/page-title.ts';
import { PagedLogTable } from '../components/paged-log-table.tsx';
import { formatDateTime, sourceNames } from '../lib/format.ts';
import { usePagedLog } from '../lib/use-paged-log.ts';
import { useControlPanel } from './context.ts';

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
  const log = usePagedLog(['action'], (query) => guard(api.auditEvents(query)));
  const { action } = log.filters;

  return (
    <section className="panel">
      <p className="breadcrumb">Global Settings › Security</p>
      <h1>Audit log</h1>
      <p className="lead">Every change to the IP allowlist and to agents: who made it, from which IP address, and what it was before and after.</p>

      <LogFilters label="Filter the audit log" onRefresh={log.reload}>
        <FilterSelect
          id="filter-action"
          label="Change"
          value={action}
          onChange={(value) => log.setFilter('action', value)}
          allLabel="All changes"
          options={Object.entries(actionNames).map(([value, name]) => ({ value, name }))}
        />
      </LogFilters>

      <PagedLogTable
        log={log}
        label="Audit log entries"
        loadingLabel="Loading the audit log…"
        errorTitle="The audit log could not be loaded."
        emptyText={action ? 'No change of this kind has been recorded.' : 'No change has been recorded yet.'}
        columns={
          <>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">From</th>
            <th scope="col">Change</th>
            <th scope="col">Before and after</th>
          </>
        }
        renderRow={(event) => (
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
        )}
      />
    </section>
  );
}
