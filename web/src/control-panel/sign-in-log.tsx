import { useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { Agent, SignInOutcome, SignInRecord } from '../api/types.ts';
import { DateTime } from '../components/date-time.tsx';
import { DialogActions } from '../components/dialog-actions.tsx';
import { Dialog } from '../components/dialog.tsx';
import { ErrorMessage, StatusLine } from '../components/feedback.tsx';
import { Field } from '../components/field.tsx';
import { FilterSelect, LogFilters } from '../components/log-filters.tsx';
import { useDocumentTitle } from '../components/page-title.ts';
import { PagedLogTable } from '../components/paged-log-table.tsx';
import { ActionsHeader } from '../components/table-region.tsx';
import { channelName, channelNames, outcomeNames, reasonText } from '../lib/format.ts';
import { findRangeContaining } from '../lib/ip-order.ts';
import { useDialogAction } from '../lib/use-api-action.ts';
import { useFocusFirstError } from '../lib/use-focus-first-error.ts';
import { useLoad } from '../lib/use-load.ts';
import { usePagedLog } from '../lib/use-paged-log.ts';
import { useControlPanel } from './context.ts';
const outcomeOrder: SignInOutcome[] = ['allowed', 'ip-not-allowed', 'session-ended', 'invalid-credentials', 'agent-disabled', 'rate-limited'];

function outcomeBadge(outcome: SignInOutcome): string {
  if (outcome === 'allowed') return 'badge-success';
  if (outcome === 'ip-not-allowed' || outcome === 'session-ended') return 'badge-danger';
  return 'badge-warning';
}

function agentLabel(record: SignInRecord): string {
  return record.agentName ?? record.email;
}

/** Security > Sign-in log: every sign-in and every session the allowlist ended, newest first, with filters and paging. */
export function SignInLogPage() {
  useDocumentTitle('Sign-in log');
  const { guard } = useControlPanel();
  const log = usePagedLog(['outcome', 'agentId', 'channel'], (query) => guard(api.signInLog(query)));
  const { filters } = log;
  const agents = useLoad(() => guard(api.agents()), 'agents');
  // Denied addresses that are in the list by now show "In the list" in place of "Add this address".
  const allowlist = useLoad(() => guard(api.allowlist()), 'allowlist');
  const [adding, setAdding] = useState<SignInRecord | null>(null);
  const [status, setStatus] = useState('');

  const agentOptions: Agent[] = agents.state.status === 'ready' ? agents.state.data.agents : [];
  const ranges = allowlist.state.status === 'ready' ? allowlist.state.data.ranges : [];
  const isListed = (address: string) => findRangeContaining(ranges, address) !== undefined;

  return (
    <section className="panel">
      <p className="breadcrumb">Global Settings › Security</p>
      <h1>Sign-in log</h1>
      <p className="lead">Every sign-in attempt on every channel, and every session that the IP allowlist ended, newest first.</p>

      <LogFilters label="Filter the sign-in log" onRefresh={log.reload}>
        <FilterSelect
          id="filter-outcome"
          label="Outcome"
          value={filters.outcome}
          onChange={(value) => log.setFilter('outcome', value)}
          allLabel="All outcomes"
          options={outcomeOrder.map((outcome) => ({ value: outcome, name: outcomeNames[outcome] }))}
        />
        <FilterSelect
          id="filter-agent"
          label="Agent"
          value={filters.agentId}
          onChange={(value) => log.setFilter('agentId', value)}
          allLabel="All agents"
          options={agentOptions.map((agent) => ({ value: agent.id, name: `${agent.name} (${agent.email})` }))}
        />
        <FilterSelect
          id="filter-channel"
          label="Channel"
          value={filters.channel}
          onChange={(value) => log.setFilter('channel', value)}
          allLabel="All channels"
          options={Object.entries(channelNames).map(([value, name]) => ({ value, name }))}
        />
      </LogFilters>

      <StatusLine>{status}</StatusLine>

      <PagedLogTable
        log={log}
        label="Sign-in log entries"
        stacked
        loadingLabel="Loading the sign-in log…"
        errorTitle="The sign-in log could not be loaded."
        emptyText={filters.outcome || filters.agentId || filters.channel ? 'No sign-in matches these filters.' : 'No sign-in has been recorded yet.'}
        columns={
          <>
            <th scope="col">When</th>
            <th scope="col">Agent</th>
            <th scope="col">Channel</th>
            <th scope="col">IP address</th>
            <th scope="col">Outcome</th>
            <th scope="col">Details</th>
            <ActionsHeader />
          </>
        }
        renderRow={(record) => (
          <tr key={record.id} data-outcome={record.outcome}>
            <td data-label="When">
              <DateTime value={record.createdAt} />
            </td>
            <td data-label="Agent">
              {agentLabel(record)}
              {record.agentName ? <span className="cell-note">{record.email}</span> : null}
            </td>
            <td data-label="Channel">{channelName(record.channel)}</td>
            <td data-label="IP address">{record.address === null ? <span className="muted">Unknown</span> : <span className="mono">{record.address}</span>}</td>
            <td data-label="Outcome">
              <span className={`badge ${outcomeBadge(record.outcome)}`}>{outcomeNames[record.outcome] ?? record.outcome}</span>
            </td>
            <td data-label="Details">{reasonText(record.reason)}</td>
            <td className="cell-actions">
              {(record.outcome === 'ip-not-allowed' || record.outcome === 'session-ended') && record.address !== null ? (
                isListed(record.address) ? (
                  <span className="muted">In the list</span>
                ) : (
                  <button type="button" className="button button-small" onClick={() => setAdding(record)} aria-label={`Add ${record.address} to the allowlist`}>
                    Add this address
                  </button>
                )
              ) : null}
            </td>
          </tr>
        )}
      />

      {adding ? (
        <AddAddressDialog
          record={adding}
          onClose={() => setAdding(null)}
          onAdded={(address) => {
            allowlist.reload();
            setStatus(`Added ${address} to the allowed IP list.`);
          }}
        />
      ) : null}
    </section>
  );
}

/** Asks for a label, then adds the address of a denied sign-in to the allowed IP list. */
function AddAddressDialog({ record, onClose, onAdded }: { record: SignInRecord; onClose(): void; onAdded(address: string): void }) {
  const { runChange } = useControlPanel();
  const address = record.address ?? '';
  const [label, setLabel] = useState(`${agentLabel(record)} (from the sign-in log)`);
  const { running, error, run } = useDialogAction();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const outcome = await runChange((options) => api.addRange({ input: address, label }, options));
      if (outcome === 'saved') {
        onAdded(address);
        onClose();
      }
      return outcome;
    });
  }

  return (
    <Dialog title={`Add ${address} to the allowlist`} onClose={onClose}>
      <form className="form" onSubmit={submit} ref={formRef}>
        <p>
          {agentLabel(record)} was denied from <strong className="mono">{address}</strong> on the {channelName(record.channel)}. Adding the address lets
          every agent of the account sign in from it.
        </p>
        <Field
          label="Label"
          hint="Who or what uses this address, such as “Maria, home office”."
          value={label}
          onChange={(event) => setLabel(event.target.value)}
          required
          maxLength={100}
          data-autofocus
          error={error && error.field === 'label' ? error.message : undefined}
        />
        {error && error.field !== 'label' ? <ErrorMessage error={error} /> : null}
        <DialogActions label="Add address" runningLabel="Adding…" running={running} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
