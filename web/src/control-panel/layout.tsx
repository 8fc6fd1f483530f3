import { useCallback, useMemo, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { api, isApiError } from '../api/client.ts';
import type { Me } from '../api/types.ts';
import { AppOpening } from '../components/app-opening.tsx';
import { useSessionGuard, useShowDenial } from '../lib/app-state.tsx';
import { useLoad } from '../lib/use-load.ts';
import { NoPermission, WrongChannel } from '../pages/access-pages.tsx';
import { useSignOut } from '../lib/use-sign-out.ts';
import { ControlPanelContext, ownAddressLabel, type ChangeRequest } from './context.ts';
import { LockoutDialog, type PendingLockout } from './lockout-dialog.tsx';

function canManageSecurity(me: Me): boolean {
  return me.agent.role === 'admin' || me.agent.manageSecurity;
}

/** Renders the Control Panel: reads the session, then shows the navigation and the page, or a page that explains why not. */
export function ControlPanelLayout() {
  const location = useLocation();
  const guard = useSessionGuard('control-panel');
  const { signOut, signingOut } = useSignOut('control-panel');
  const { state, reload } = useLoad(() => api.me(), 'me');
  const [pending, setPending] = useState<PendingLockout | null>(null);
  useShowDenial(state.status === 'error' ? state.error : null, 'control-panel');

  const me = state.status === 'ready' ? state.data : null;
  const runChange = useCallback(
    async (request: ChangeRequest, version?: number) => {
      try {
        await guard(request({ confirmLockout: false, version }));
        return 'saved' as const;
      } catch (error) {
        if (!isApiError(error) || error.code !== 'WOULD_LOCK_OUT' || me === null) throw error;
        const address = typeof error.details.address === 'string' ? error.details.address : null;
        return new Promise<'saved' | 'cancelled'>((resolve, reject) => {
          setPending({ address, request, version, label: ownAddressLabel(me), resolve, reject });
        });
      }
    },
    [guard, me],
  );
  const context = useMemo(() => (me ? { me, guard, runChange } : null), [me, guard, runChange]);

  if (state.status !== 'ready') {
    return <AppOpening channel="control-panel" state={state} onRetry={reload} next={location.pathname + location.search} />;
  }

  if (state.data.channel !== 'control-panel') {
    return <WrongChannel me={state.data} expected="control-panel" onSignOut={signOut} signingOut={signingOut} />;
  }
  if (!canManageSecurity(state.data) || context === null) {
    return <NoPermission me={state.data} onSignOut={signOut} signingOut={signingOut} />;
  }

  const navClass = ({ isActive }: { isActive: boolean }) => `nav-link${isActive ? ' nav-link-active' : ''}`;
  return (
    <ControlPanelContext.Provider value={context}>
      <div className="shell">
        <a className="skip-link" href="#content">
          Skip to content
        </a>
        <header className="topbar">
          <span className="brand">
            <span className="brand-mark" aria-hidden="true" />
            Gatehouse <span className="brand-app">Control Panel</span>
          </span>
          <div className="topbar-session">
            <span className="topbar-who">
              <span className="topbar-name">{state.data.agent.name}</span>
              <span className="topbar-account">{state.data.account.name}</span>
            </span>
            <span className="topbar-address" title="The IP address Gatehouse sees for this browser">
              Your IP: <span data-testid="current-address">{state.data.address ?? 'unknown'}</span>
            </span>
            <button type="button" className="button button-small" onClick={signOut} disabled={signingOut}>
              Sign out
            </button>
          </div>
        </header>
        <div className="shell-body">
          <nav className="sidenav" aria-label="Control Panel">
            <p className="nav-group">Global Settings</p>
            <p className="nav-subgroup">Security</p>
            <ul>
              <li>
                <NavLink to="/control-panel/security/ip-allowlist" className={navClass}>
                  IP Allowlist
                </NavLink>
              </li>
              <li>
                <NavLink to="/control-panel/sign-in-log" className={navClass}>
                  Sign-in log
                </NavLink>
              </li>
              <li>
                <NavLink to="/control-panel/audit-log" className={navClass}>
                  Audit log
                </NavLink>
              </li>
            </ul>
            <p className="nav-subgroup">Team</p>
            <ul>
              <li>
                <NavLink to="/control-panel/agents" className={navClass}>
                  Agents
                </NavLink>
              </li>
            </ul>
          </nav>
          <main id="content" className="content" tabIndex={-1}>
            <Outlet />
          </main>
        </div>
        {pending ? <LockoutDialog pending={pending} guard={guard} onDone={() => setPending(null)} /> : null}
      </div>
    </ControlPanelContext.Provider>
  );
}
