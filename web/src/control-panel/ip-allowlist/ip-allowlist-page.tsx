import { useCallback, useMemo, useState } from 'react';
import { NavLink, Outlet } from 'react-router';
import { api, isApiError } from '../../api/client.ts';
import type { AllowlistView } from '../../api/types.ts';
import { ErrorMessage, Loading, Notice, StatusLine } from '../../components/feedback.tsx';
import { useDocumentTitle } from '../../components/page-title.ts';
import { Switch } from '../../components/switch.tsx';
import { useApiAction } from '../../lib/use-api-action.ts';
import { useLoad } from '../../lib/use-load.ts';
import { useControlPanel, type ChangeRequest } from '../context.ts';
import type { AllowlistTabContext } from './allowlist-context.ts';

function allRangesExpired(view: AllowlistView): boolean {
  return view.ranges.length > 0 && view.ranges.every((range) => range.expired);
}

/** Global Settings > Security > IP Allowlist: the switch, its notices and the three tabs. */
export function IpAllowlistPage() {
  useDocumentTitle('IP Allowlist');
  const { guard, runChange } = useControlPanel();
  const { state, reload, setData } = useLoad(() => guard(api.allowlist()), 'allowlist');
  const [status, setStatus] = useState('');
  const toggle = useApiAction();

  const view = state.status === 'ready' ? state.data : null;
  const change = useCallback(
    async (request: ChangeRequest, successMessage: string | ((saved: AllowlistView) => string)) => {
      setStatus('');
      try {
        const outcome = await runChange(request, view?.version);
        if (outcome === 'saved') {
          // The caller's dialog closes only after this, so it never reveals a stale list.
          const saved = await guard(api.allowlist());
          setData(saved);
          setStatus(typeof successMessage === 'string' ? successMessage : successMessage(saved));
        }
        return outcome;
      } catch (error) {
        if (isApiError(error) && error.code === 'CONFLICT') reload();
        throw error;
      }
    },
    [runChange, view?.version, reload, setData, guard],
  );
  const tabContext = useMemo<AllowlistTabContext | null>(() => (view ? { view, change } : null), [view, change]);

  function toggleEnabled(enabled: boolean) {
    void toggle.run(() =>
      change(
        (options) => api.updateAllowlist({ enabled }, options),
        enabled ? 'The IP allowlist is on.' : 'The IP allowlist is off. Agents can sign in from any address.',
      ),
    );
  }

  if (state.status === 'loading') {
    return (
      <section className="panel">
        <h1>IP Allowlist</h1>
        <Loading label="Loading the IP allowlist…" />
      </section>
    );
  }
  if (state.status === 'error' || tabContext === null || view === null) {
    return (
      <section className="panel">
        <h1>IP Allowlist</h1>
        {state.status === 'error' ? <ErrorMessage error={state.error} onRetry={reload} title="The IP allowlist could not be loaded." /> : null}
      </section>
    );
  }

  const tabClass = ({ isActive }: { isActive: boolean }) => `tab${isActive ? ' tab-active' : ''}`;
  return (
    <section className="panel">
      <p className="breadcrumb">Global Settings › Security</p>
      <h1>IP Allowlist</h1>
      <p className="lead">Restrict the IP addresses from which your agents can sign in and work.</p>

      <Switch label="IP Allowlist" checked={view.enabled} onChange={toggleEnabled} busy={toggle.running}>
        <p>
          When on, agents can use the Control Panel and the Agent Console only from addresses in the allowed IP list. The mobile app follows the
          list only when “IP Allowlist for mobile access” is on, under Advanced.
        </p>
      </Switch>
      {toggle.error ? <ErrorMessage error={toggle.error} /> : null}

      {view.notice ? (
        <Notice tone="warning" title="Access is not restricted yet">
          <p data-testid="allowlist-notice">{view.notice}</p>
        </Notice>
      ) : null}
      {view.enabled && allRangesExpired(view) ? (
        <Notice tone="warning" title="Every range has expired">
          <p>All ranges in the list have expired, so Gatehouse denies every sign-in. Add a range, or remove the expiry of one.</p>
        </Notice>
      ) : null}
      {!view.enabled && view.ranges.length > 0 ? (
        <Notice tone="info">
          <p>The IP allowlist is off, so the ranges in the allowed IP list are not in force: agents can sign in from any address.</p>
        </Notice>
      ) : null}

      <StatusLine>{status}</StatusLine>

      <nav className="tabs" aria-label="IP Allowlist sections">
        <NavLink to="/control-panel/security/ip-allowlist" end className={tabClass}>
          Allowed IP List
        </NavLink>
        <NavLink to="/control-panel/security/ip-allowlist/advanced" className={tabClass}>
          Advanced
        </NavLink>
        <NavLink to="/control-panel/security/ip-allowlist/check" className={tabClass}>
          Check an address
        </NavLink>
      </nav>
      <div className="tab-panel">
        <Outlet context={tabContext} />
      </div>
    </section>
  );
}
