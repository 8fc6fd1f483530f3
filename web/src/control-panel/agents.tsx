import { useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { Agent, Role } from '../api/types.ts';
import { DialogActions } from '../components/dialog-actions.tsx';
import { Dialog } from '../components/dialog.tsx';
import { ErrorMessage, StatusLine } from '../components/feedback.tsx';
import { Field } from '../components/field.tsx';
import { LoadStates } from '../components/load-states.tsx';
import { useDocumentTitle } from '../components/page-title.ts';
import { ActionsHeader, TableRegion } from '../components/table-region.tsx';
import { useApiActions, useDialogAction } from '../lib/use-api-action.ts';
import { useFocusFirstError } from '../lib/use-focus-first-error.ts';
import { useLoad } from '../lib/use-load.ts';
import { useControlPanel } from './context.ts';

/** Team > Agents: the agents of the account, their role and permission, and whether they can sign in. */
export function AgentsPage() {
  useDocumentTitle('Agents');
  const { me, guard } = useControlPanel();
  const { state, reload, setData } = useLoad(() => guard(api.agents()), 'agents');
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<{ agent: Agent; password: string } | null>(null);
  // Each row's update runs under the agent's id, so that only that row is busy and shows the error.
  const updates = useApiActions<string>();
  const [status, setStatus] = useState('');
  const isAdmin = me.agent.role === 'admin';

  function update(agent: Agent, changes: { role?: Role; manageSecurity?: boolean; disabled?: boolean }, message: string) {
    return updates.run(agent.id, async () => {
      setStatus('');
      const { agent: updated } = await guard(api.updateAgent(agent.id, changes));
      if (state.status === 'ready') setData({ agents: state.data.agents.map((item) => (item.id === updated.id ? updated : item)) });
      setStatus(message);
    });
  }

  return (
    <section className="panel">
      <p className="breadcrumb">Global Settings › Team</p>
      <h1>Agents</h1>
      <p className="lead">
        Agents of {me.account.name}. Admins and agents with the manage_security permission can use the Control Panel. Only admins can change roles
        and permissions, and only admins can disable or enable an admin or an agent with manage_security.
      </p>
      <div className="toolbar">
        <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
          Add agent
        </button>
      </div>
      <StatusLine>{status}</StatusLine>
      {created ? <CreatedPassword created={created} onDismiss={() => setCreated(null)} /> : null}

      <LoadStates
        state={state}
        onRetry={reload}
        loadingLabel="Loading agents…"
        errorTitle="The agents could not be loaded."
        isEmpty={(data) => data.agents.length === 0}
        empty={<p>This account has no agents yet.</p>}
      >
        {(data) => (
          <TableRegion label="Agents" stacked>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">manage_security</th>
                <th scope="col">Status</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {data.agents.map((agent) => {
                const isSelf = agent.id === me.agent.id;
                const busy = updates.running === agent.id;
                // The server rejects any change by a non-admin to an admin or to another agent with manage_security.
                const onlyAdminsChange = !isAdmin && !isSelf && (agent.role === 'admin' || agent.manageSecurity);
                return (
                  <tr key={agent.id} className={agent.disabled ? 'row-muted' : undefined}>
                    <td data-label="Name">
                      {agent.name}
                      {isSelf ? <span className="badge badge-after">You</span> : null}
                    </td>
                    <td data-label="Email">{agent.email}</td>
                    <td data-label="Role">
                      <label className="visually-hidden" htmlFor={`role-${agent.id}`}>
                        Role of {agent.name}
                      </label>
                      <select
                        id={`role-${agent.id}`}
                        value={agent.role}
                        disabled={!isAdmin || isSelf}
                        aria-disabled={busy || undefined}
                        onChange={(event) => {
                          if (busy) return;
                          void update(agent, { role: event.target.value as Role }, `${agent.name} is now ${event.target.value === 'admin' ? 'an admin' : 'an agent'}.`);
                        }}
                      >
                        <option value="agent">Agent</option>
                        <option value="admin">Admin</option>
                      </select>
                    </td>
                    <td data-label="manage_security">
                      <label className="checkbox">
                        <input
                          type="checkbox"
                          checked={agent.manageSecurity || agent.role === 'admin'}
                          disabled={!isAdmin || agent.role === 'admin'}
                          aria-disabled={busy || undefined}
                          onChange={(event) => {
                            if (busy) return;
                            void update(
                              agent,
                              { manageSecurity: event.target.checked },
                              event.target.checked ? `${agent.name} can now manage security settings.` : `${agent.name} can no longer manage security settings.`,
                            );
                          }}
                        />
                        <span className="visually-hidden">manage_security permission of {agent.name}</span>
                        {agent.role === 'admin' ? <span className="muted">Included in admin</span> : null}
                      </label>
                    </td>
                    <td data-label="Status">{agent.disabled ? <span className="badge badge-danger">Disabled</span> : <span className="badge badge-success">Active</span>}</td>
                    <td className="cell-actions">
                      {!isSelf ? (
                        <button
                          type="button"
                          className={`button button-small${agent.disabled ? '' : ' button-danger-quiet'}`}
                          disabled={onlyAdminsChange}
                          aria-disabled={busy || undefined}
                          aria-describedby={onlyAdminsChange ? `admins-only-${agent.id}` : undefined}
                          onClick={() => {
                            if (busy) return;
                            void update(
                              agent,
                              { disabled: !agent.disabled },
                              agent.disabled ? `${agent.name} can sign in again.` : `${agent.name} is disabled and signed out everywhere.`,
                            );
                          }}
                          aria-label={`${agent.disabled ? 'Enable' : 'Disable'} ${agent.name}`}
                        >
                          {agent.disabled ? 'Enable' : 'Disable'}
                        </button>
                      ) : null}
                      {onlyAdminsChange ? (
                        <span id={`admins-only-${agent.id}`} className="cell-note">
                          Only admins can change {agent.role === 'admin' ? 'admins' : 'agents with manage_security'}.
                        </span>
                      ) : null}
                      {updates.failure && updates.failure.key === agent.id ? <ErrorMessage error={updates.failure.error} /> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </TableRegion>
        )}
      </LoadStates>

      {adding ? (
        <AddAgentDialog
          canAddAdmins={isAdmin}
          onClose={() => setAdding(false)}
          onCreated={(agent, password) => {
            setAdding(false);
            reload();
            if (password !== undefined) setCreated({ agent, password });
            setStatus(`Added ${agent.name}.`);
          }}
        />
      ) : null}
    </section>
  );
}

/** Shows the generated password of a new agent once, because Gatehouse stores only its hash. */
function CreatedPassword({ created, onDismiss }: { created: { agent: Agent; password: string }; onDismiss(): void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  function copy() {
    navigator.clipboard.writeText(created.password).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  }

  return (
    <div className="alert alert-success" role="status">
      <p className="alert-title">Password for {created.agent.email}</p>
      <p>This password is shown only now. Give it to {created.agent.name} through a safe channel; they can sign in with it right away.</p>
      <div className="password-box">
        <label htmlFor="created-password" className="visually-hidden">
          Generated password
        </label>
        <input id="created-password" className="mono" readOnly value={created.password} onFocus={(event) => event.target.select()} data-testid="generated-password" />
        <button type="button" className="button button-small" onClick={copy}>
          Copy
        </button>
        <button type="button" className="button button-small" onClick={onDismiss}>
          Done
        </button>
      </div>
      {copied === 'yes' ? <p className="muted">Copied.</p> : null}
      {copied === 'failed' ? <p className="muted">The browser did not allow copying. Select the password and copy it.</p> : null}
    </div>
  );
}

function AddAgentDialog({ canAddAdmins, onClose, onCreated }: { canAddAdmins: boolean; onClose(): void; onCreated(agent: Agent, password: string | undefined): void }) {
  const { guard } = useControlPanel();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [manageSecurity, setManageSecurity] = useState(false);
  const { running, error, run } = useDialogAction();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const result = await guard(api.addAgent({ email, ...(name.trim() === '' ? {} : { name }), role, manageSecurity: role === 'admin' ? false : manageSecurity }));
      onCreated(result.agent, result.password);
      return 'saved';
    });
  }

  const fieldError = (field: string) => (error && error.field === field ? error.message : undefined);
  return (
    <Dialog title="Add agent" onClose={onClose}>
      <form className="form" onSubmit={submit} ref={formRef}>
        {error && error.field !== 'email' && error.field !== 'name' ? <ErrorMessage error={error} /> : null}
        <Field label="Email" type="email" value={email} onChange={(event) => setEmail(event.target.value)} required autoComplete="off" data-autofocus error={fieldError('email')} />
        <Field
          label="Name (optional)"
          hint="Leave it empty to use the part of the email before @."
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={100}
          autoComplete="off"
          error={fieldError('name')}
        />
        <div className="field">
          <label htmlFor="new-agent-role">Role</label>
          <select id="new-agent-role" value={role} onChange={(event) => setRole(event.target.value as Role)} disabled={!canAddAdmins}>
            <option value="agent">Agent</option>
            <option value="admin">Admin</option>
          </select>
          {!canAddAdmins ? <p className="field-hint">Only admins can add admins.</p> : null}
        </div>
        {role === 'agent' ? (
          <label className="checkbox">
            <input type="checkbox" checked={manageSecurity} onChange={(event) => setManageSecurity(event.target.checked)} disabled={!canAddAdmins} />
            manage_security: can use the Control Panel to manage the IP allowlist and agents
          </label>
        ) : null}
        <p className="muted">Gatehouse generates a password and shows it once after the agent is added.</p>
        <DialogActions label="Add agent" runningLabel="Adding…" running={running} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
