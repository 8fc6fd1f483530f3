import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import type { Agent, SignInOutcome, SignInRecord } from '../api/types.ts';
import { DateTime } from '../components/date-time.tsx';
import { DialogActions } from '../components/dialog-actions.tsx';
import { Dialog } from '../components/dialog.tsx';
import { EmptyState, ErrorMessage, Loading, StatusLine } from '../components/feedback.tsx';
import { Field } from '../components/field.tsx';
import { useDocumentTitle } from '../components/page-title.ts';
import { channelName, channelNames, outcomeNames, reasonText } from '../lib/format.ts';
import { findRangeContaining } from '../lib/ip-order.ts';
import { useDialogAction } from '../lib/use-api-action.ts';
import { useLoad } from '../lib/use-load.ts';
import { useControlPanel } from './context.ts';

const pageSize = 25;
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
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = {
    outcome: searchParams.get('outcome') ?? '',
    agentId: searchParams.get('agentId') ?? '',
    channel: searchParams.get('channel') ?? '',
  };
  // Cursors of the pages shown so far; the last one is the current page, and undefined is the newest page.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const key = JSON.stringify({ ...filters, cursor });
  const { state, reload } = useLoad(() => guard(api.signInLog({ ...filters, before: cursor, limit: pageSize })), key);
  const agents = useLoad(() => guard(api.agents()), 'agents');
  // Denied addresses that are in the list by now show "In the list" in place of "Add this address".
  const allowlist = useLoad(() => guard(api.allowlist()), 'allowlist');
  const [adding, setAdding] = useState<SignInRecord | null>(null);
  const [status, setStatus] = useState('');

  function setFilter(name: keyof typeof filters, value: string) {
    const next = new URLSearchParams(searchParams);
    if (value === '') next.delete(name);
    else next.set(name, value);
    setSearchParams(next, { replace: true });
    setCursors([undefined]);
  }

  const agentOptions: Agent[] = agents.state.status === 'ready' ? agents.state.data.agents : [];
  const ranges = allowlist.state.status === 'ready' ? allowlist.state.data.ranges : [];
  const isListed = (address: string) => findRangeContaining(ranges, address) !== undefined;

  return (
    <section className="panel">
      <p className="breadcrumb">Global Settings › Security</p>
      <h1>Sign-in log</h1>
      <p className="lead">Every sign-in attempt on every channel, and every session that the IP allowlist ended, newest first.</p>

      <form className="filters" aria-label="Filter the sign-in log" onSubmit={(event) => event.preventDefault()}>
        <div className="field field-inline">
          <label htmlFor="filter-outcome">Outcome</label>
          <select id="filter-outcome" value={filters.outcome} onChange={(event) => setFilter('outcome', event.target.value)}>
            <option value="">All outcomes</option>
            {outcomeOrder.map((outcome) => (
              <option key={outcome} value={outcome}>
                {outcomeNames[outcome]}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="filter-agent">Agent</label>
          <select id="filter-agent" value={filters.agentId} onChange={(event) => setFilter('agentId', event.target.value)}>
            <option value="">All agents</option>
            {agentOptions.map((agent) => (
              <option key={agent.id} value={agent.id}>
                {agent.name} ({agent.email})
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="filter-channel">Channel</label>
          <select id="filter-channel" value={filters.channel} onChange={(event) => setFilter('channel', event.target.value)}>
            <option value="">All channels</option>
            {Object.entries(channelNames).map(([value, name]) => (
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

      <StatusLine>{status}</StatusLine>

      {state.status === 'loading' ? <Loading label="Loading the sign-in log…" /> : null}
      {state.status === 'error' ? <ErrorMessage error={state.error} onRetry={reload} title="The sign-in log could not be loaded." /> : null}
      {state.status === 'ready' && state.data.items.length === 0 ? (
        <EmptyState>
          <p>{filters.outcome || filters.agentId || filters.channel ? 'No sign-in matches these filters.' : 'No sign-in has been recorded yet.'}</p>
        </EmptyState>
      ) : null}
      {state.status === 'ready' && state.data.items.length > 0 ? (
        <>
          <div className="table-wrap" role="region" aria-label="Sign-in log entries" tabIndex={0}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Channel</th>
                  <th scope="col">IP address</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Details</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {state.data.items.map((record) => (
                  <tr key={record.id} data-outcome={record.outcome}>
                    <td>
                      <DateTime value={record.createdAt} />
                    </td>
                    <td>
                      {agentLabel(record)}
                      {record.agentName ? <span className="cell-note">{record.email}</span> : null}
                    </td>
                    <td>{channelName(record.channel)}</td>
                    <td>{record.address === null ? <span className="muted">Unknown</span> : <span className="mono">{record.address}</span>}</td>
                    <td>
                      <span className={`badge ${outcomeBadge(record.outcome)}`}>{outcomeNames[record.outcome] ?? record.outcome}</span>
                    </td>
                    <td>{reasonText(record.reason)}</td>
                    <td className="cell-actions">
                      {(record.outcome === 'ip-not-allowed' || record.outcome === 'session-ended') && record.address !== null ? (
                        isListed(record.address) ? (
                          <span className="muted">In the list</span>
                        ) : (
                          <button
                            type="button"
                            className="button button-small"
                            onClick={() => setAdding(record)}
                            aria-label={`Add ${record.address} to the allowlist`}
                          >
                            Add this address
                          </button>
                        )
                      ) : null}
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
      <form className="form" onSubmit={submit}>
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
